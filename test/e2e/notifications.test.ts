// Notifications in the browser (issue 19): the header's bell counting live in every tab, the
// notifications page (live, filtered, paged, followed to the post), a thread's subscription
// control, the "New" divider and thread lists' unread counts, and the e-mail preferences form
// (with its note that an unconfirmed address gets no e-mail).
// Needs `npm run build:client` first.
import type { Browser, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { BROWSER_PASSWORD, expectTitle, focusedText, launchBrowser, type SignedInPage, signInThroughPage } from '../helpers/browser.js';
import { Client, signedIn } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let a: SignedInPage;
let aClient: Client;
let b: Client;
let mod: Client;
let forumId: string;

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000', SOCKET_MAX_PER_ADDRESS: '1000' } });
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  forumId = (await admin.post('/api/forums', { slug: 'yarn', title: 'Yarn' })).body.forum.id;
  a = await signInThroughPage(browser, agora, 'member');
  aClient = new Client(agora.url);
  expect((await aClient.login(a.username, BROWSER_PASSWORD)).status).toBe(200);
  b = await signedIn(agora.url, agora.stores.users, 'member');
  mod = await signedIn(agora.url, agora.stores.users, 'moderator');
}, 60_000);
afterAll(async () => {
  await a?.context.close();
  await browser?.close();
  await agora?.close();
});

async function startThread(by: Client, title: string, body = 'The first post.'): Promise<string> {
  const res = await by.post(`/api/forums/${forumId}/threads`, { title, body });
  expect(res.status).toBe(201);
  return res.body.thread.id;
}
async function reply(by: Client, threadId: string, body: string): Promise<string> {
  const res = await by.post(`/api/threads/${threadId}/posts`, { body });
  expect(res.status).toBe(201);
  return res.body.post.id;
}

/** Another tab of A's, with its own record of errors. */
async function secondTab(): Promise<{ page: Page; problems: string[] }> {
  const page = await a.context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return { page, problems };
}

/** The bell as a screen reader names it, waited for. */
const bellSays = (page: Page, unread: number) =>
  page.getByRole('link', { name: unread ? `Notifications, ${unread} unread` : 'Notifications, none unread', exact: true }).waitFor();

/** Resolves when the page has told the server how far it read the thread. */
const readReported = (page: Page, threadId: string) =>
  page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/threads/${threadId}/read` && r.status() === 204);

test('a reply and a mention reach the bell in two tabs live; the page lists them, loses a removed one, and following one opens the post and reads it everywhere', async () => {
  const threadId = await startThread(aClient, 'Blocking a scarf', 'Wet or steam?');
  const tab1 = a.page;
  const { page: tab2, problems } = await secondTab();
  await tab1.goto(`${agora.url}/`);
  await tab2.goto(`${agora.url}/f/${forumId}`);
  await tab1.bringToFront(); // the tab A reads in; the other one is in the background, as tabs are
  await bellSays(tab1, 0);
  await bellSays(tab2, 0);

  const replyId = await reply(b, threadId, 'Steam works for me.');
  await bellSays(tab1, 1);
  await bellSays(tab2, 1);

  await tab1.getByRole('link', { name: 'Notifications, 1 unread' }).click();
  await tab1.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  await expectTitle(tab1, 'Notifications · Agora');
  const items = tab1.getByTestId('notification');
  await items.first().waitFor();
  expect(await items.count()).toBe(1);
  expect(await items.first().getByRole('link', { name: /replied to your thread/ }).textContent()).toBe(`@${b.user!.username} replied to your thread “Blocking a scarf”`);
  // Who it came from links to their profile.
  expect(await items.first().getByTestId('notification-actor').getAttribute('href')).toBe(`/u/${b.user!.username}`);
  expect(await items.first().textContent()).toContain('Unread');

  // New ones arrive at the top of the open page.
  const mentionId = await reply(b, threadId, `@${a.username} wet blocking is kinder to wool.`);
  await items.filter({ hasText: 'mentioned you in “Blocking a scarf”' }).waitFor();
  expect(await items.first().textContent()).toContain('mentioned you in');
  await bellSays(tab2, 2);

  // A moderator removes the mentioning post: its notification leaves the page and the counts.
  expect((await mod.post(`/api/posts/${mentionId}/remove`, { reason: 'spam' })).status).toBe(200);
  await items.filter({ hasText: 'mentioned you' }).waitFor({ state: 'detached' });
  await bellSays(tab1, 1);
  await bellSays(tab2, 1);

  await items.first().getByRole('link', { name: /replied to your thread/ }).click();
  await tab1.getByRole('heading', { level: 1, name: 'Blocking a scarf' }).waitFor();
  expect(new URL(tab1.url()).hash).toBe(`#post-${replyId}`);
  await tab1.locator(`#post-${replyId}.linked`).waitFor();
  expect(await tab1.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe(`post-${replyId}`);
  await bellSays(tab1, 0);
  await bellSays(tab2, 0);

  await tab1.goto(`${agora.url}/notifications`);
  await items.first().waitFor();
  expect(await items.first().textContent()).not.toContain('Unread');
  await tab1.getByLabel('Unread only').check();
  await tab1.getByTestId('notifications-empty').filter({ hasText: 'No unread notifications.' }).waitFor();
  await tab2.close();
  expect(problems).toEqual([]);
  expect(a.problems).toEqual([]);
});

test('"Load more" brings the next page and "Mark all read" clears the count in every tab', async () => {
  const threadId = await startThread(aClient, 'Sock heels');
  for (let i = 1; i <= 31; i++) await reply(b, threadId, `Heel idea number ${i}.`);
  const page = a.page;
  const { page: tab2, problems } = await secondTab();
  await tab2.goto(`${agora.url}/`);
  await bellSays(tab2, 31);
  await page.bringToFront();
  await page.goto(`${agora.url}/notifications`);
  const items = page.getByTestId('notification');
  await items.first().waitFor();
  expect(await items.count()).toBe(30);
  expect(await items.first().getByRole('link', { name: /Sock heels/ }).textContent()).toContain('“Sock heels”');
  // With the keyboard: the first new notification takes the focus, the button being gone.
  await page.getByRole('button', { name: 'Load more' }).focus();
  await page.keyboard.press('Enter');
  await items.nth(30).waitFor();
  // 31 about the heels and the earlier, read one: no more pages.
  expect(await items.count()).toBe(32);
  await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
  const firstNew = (await items.nth(30).locator(':scope > a').textContent())?.trim();
  await page.waitForFunction((want) => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim() === want, firstNew);
  expect(await focusedText(page)).toBe(firstNew);

  // Marking all read leaves the focus on the button, now telling it has nothing left to do.
  const markAll = page.getByRole('button', { name: 'Mark all read' });
  await markAll.focus();
  await page.keyboard.press('Enter');
  await bellSays(tab2, 0);
  await bellSays(page, 0);
  await page.getByText('Unread', { exact: true }).first().waitFor({ state: 'detached' });
  await page.locator('button[aria-disabled="true"]', { hasText: 'Mark all read' }).waitFor();
  expect(await focusedText(page)).toBe('Mark all read');
  await tab2.close();
  expect(problems).toEqual([]);
  expect(a.problems).toEqual([]);
});

test('a thread set to watching stays so after a reload, and a new post in it is worded as a watched thread', async () => {
  const threadId = await startThread(b, 'Dyeing with onion skins');
  const page = a.page;
  await page.goto(`${agora.url}/t/${threadId}`);
  const control = page.getByRole('group', { name: 'Notifications for this thread' });
  await control.waitFor();
  expect(await control.getByLabel('Normal').isChecked()).toBe(true);
  await control.getByLabel('Watching').check();
  await page.getByTestId('subscription-outcome').filter({ hasText: 'Saved: watching.' }).waitFor();
  await page.reload();
  await control.waitFor();
  expect(await control.getByLabel('Watching').isChecked()).toBe(true);
  expect(await control.getByLabel('Normal').isChecked()).toBe(false);

  await page.goto(`${agora.url}/notifications`);
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  await reply(b, threadId, 'Yellow, then rust.');
  await page.getByTestId('notification').filter({ hasText: `@${b.user!.username} posted in “Dyeing with onion skins”, which you watch` }).waitFor();
  await bellSays(page, 1);
  expect(a.problems).toEqual([]);
});

test('a thread read before opens at the first new post after a "New" divider, posts shown live are read too, and the forum counts what is new', async () => {
  const threadId = await startThread(b, 'Spinning wheels');
  const page = a.page;
  // A first visit: nothing is "new" yet, and the page says how far A read.
  const read = readReported(page, threadId);
  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByTestId('post').first().waitFor();
  await read;
  expect(await page.getByRole('separator').count()).toBe(0);

  const first = await reply(b, threadId, 'A double treadle is easier.');
  await reply(b, threadId, `${'Long answer about flyers and bobbins. '.repeat(60)}`);
  await page.goto(`${agora.url}/f/${forumId}`);
  const row = page.locator(`[data-thread-id="${threadId}"]`);
  expect(await row.getByTestId('unread-count').textContent()).toBe('2 new posts');

  const readAgain = readReported(page, threadId);
  await row.getByRole('link', { name: 'Spinning wheels' }).click();
  const divider = page.getByRole('separator', { name: 'New posts since your last visit' });
  await divider.waitFor();
  // Right before the first post A had not read, and where the page opened.
  expect(await divider.evaluate((d) => (d as unknown as { nextElementSibling: { id: string } }).nextElementSibling.id)).toBe(`post-${first}`);
  expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe(`post-${first}`);
  await readAgain;

  // A post arriving while A has the thread in front of them is read too.
  const liveRead = readReported(page, threadId);
  const live = (await b.post(`/api/threads/${threadId}/posts`, { body: 'Oil the wheel first.' })).body.post;
  expect((await liveRead).request().postDataJSON()).toEqual({ seq: live.seq });
  await page.goto(`${agora.url}/f/${forumId}`);
  await row.waitFor();
  expect(await row.getByTestId('unread-count').count()).toBe(0);
  expect(a.problems).toEqual([]);
});

test('the e-mail notification settings are saved and still there after a reload', async () => {
  const page = a.page;
  await page.goto(`${agora.url}/account`);
  const section = page.getByRole('region', { name: 'E-mail notifications' });
  const mention = section.getByLabel('E-mail me when someone mentions me');
  const watched = section.getByLabel('E-mail me about new posts in threads I watch');
  const digest = section.getByLabel('Digest of the most active threads');
  await mention.waitFor();
  // A's address is not confirmed: the section says no e-mail goes out until it is, with the way to do it.
  const unconfirmed = section.getByTestId('notification-email-unverified');
  await unconfirmed.getByText('Agora sends you no notification e-mail and no digest until you confirm your e-mail address').waitFor();
  expect(await unconfirmed.getByRole('button', { name: 'Send me a new link' }).count()).toBe(1);
  // The defaults (API.md): mentions on, watched threads off, no digest.
  expect([await mention.isChecked(), await watched.isChecked(), await digest.inputValue()]).toEqual([true, false, 'off']);
  await mention.uncheck();
  await watched.check();
  await digest.selectOption('weekly');
  // Saved with the keyboard: the button keeps the focus through the request and after it.
  await section.getByRole('button', { name: 'Save e-mail settings' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('notification-email-outcome').filter({ hasText: 'Your e-mail settings are saved.' }).waitFor();
  expect(await focusedText(page)).toBe('Save e-mail settings');

  // Confirmed meanwhile (as the link would): after the reload the note is gone.
  await agora.stores.users.update(a.id, { emailVerified: true });
  await page.reload();
  await mention.waitFor();
  expect([await mention.isChecked(), await watched.isChecked(), await digest.inputValue()]).toEqual([false, true, 'weekly']);
  expect(await unconfirmed.count()).toBe(0);
  expect((await aClient.get('/api/me/preferences')).body.preferences).toEqual({ emailOnMention: false, emailOnWatched: true, digest: 'weekly' });
  expect(a.problems).toEqual([]);
});

test('a signed-out visitor opening /notifications is asked to sign in by a link that leads back there', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const res = await page.goto(`${agora.url}/notifications`);
  expect(res?.status()).toBe(200);
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  expect(await page.getByRole('link', { name: /Notifications/ }).count()).toBe(0); // no bell for visitors
  expect(await page.getByTestId('notifications-signin').getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/signin?next=/notifications');
  await context.close();
});

test('a notification that arrives while the page is still loading its list is there once the list is shown', async () => {
  const page = a.page;
  const threadId = await startThread(b, 'Mordant or not');
  const before = (await aClient.get('/api/notifications?limit=1')).body.unreadCount as number;
  // The page's first list is read from the server and held back until the notification has
  // reached this tab live: its answer then predates the notification, as on a slow network.
  let held!: () => Promise<void>;
  const listRead = new Promise<void>((resolve) => {
    void page.route((url) => url.pathname === '/api/notifications' && url.searchParams.get('limit') === '30', async (route) => {
      const response = await route.fetch();
      held = () => route.fulfill({ response });
      resolve();
    }, { times: 1 });
  });
  await page.goto(`${agora.url}/notifications`);
  await listRead;
  await reply(b, threadId, `@${a.username} alum first, then the dye bath.`);
  await bellSays(page, before + 1);
  await held();
  await page.getByTestId('notification').filter({ hasText: 'Mordant or not' }).waitFor();
  expect(a.problems).toEqual([]);
});
