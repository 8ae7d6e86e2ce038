// The audit log as a moderator reads it: in words (who did what to what), each person and target a
// link, and live: another moderator's action appears at the top without a reload, if the filter
// shown lets it.
import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, launchBrowser, signInThroughPage, type SignedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';
import { newId } from '../../server/store/ids.js';

let agora: Running;
let browser: Browser;
let watcher: SignedInPage;
let colleague: Client;
let author: Client;
let threadId: string;

const TITLE = 'Watches for collectors';

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  colleague = await signedIn(agora.url, agora.stores.users, 'moderator');
  author = await signedIn(agora.url, agora.stores.users, 'member');
  const forumId = (await admin.post('/api/forums', { slug: 'audit-e2e', title: 'Audit E2E', description: 'for the audit suite' })).body.forum.id;
  threadId = (await author.post(`/api/forums/${forumId}/threads`, { title: TITLE, body: 'Which one keeps time best?' })).body.thread.id;
  watcher = await signInThroughPage(browser, agora, 'moderator');
});
afterAll(async () => {
  await watcher?.context.close();
  await browser?.close();
  await agora?.close();
});

const reply = (body: string): Promise<string> => author.reply(threadId, body);

/** The dashboard, open and joined to the moderators' room: whatever is written from now on arrives live. */
async function openDashboard() {
  const { page } = watcher;
  await page.goto(`${agora.url}/mod`);
  await page.getByTestId('audit-live').getByText('Live', { exact: true }).waitFor();
  return page;
}

test("another moderator's removal appears at the top of the open audit log, in words, with links to the people and the post", async () => {
  const postId = await reply('Cheap replica watches at spam.example');
  const page = await openDashboard();
  // The one entry so far: the admin creating the forum.
  const rows = page.getByTestId('audit-entry');
  await rows.first().getByText('forum created').waitFor();
  expect(await rows.count()).toBe(1);

  expect((await colleague.post(`/api/posts/${postId}/remove`, { reason: 'spam' })).status).toBe(200);
  const newest = rows.first();
  await newest.getByRole('link', { name: TITLE }).waitFor();
  expect(await rows.count()).toBe(2);
  const text = (await newest.textContent())!;
  expect(text).toContain('post removed');
  expect(text).toContain(colleague.user!.username);
  expect(text).toContain('spam');
  // Words only: no id and no action code anywhere in the entry.
  for (const raw of [postId, threadId, colleague.user!.id, 'post.remove']) expect(text).not.toContain(raw);
  expect(await page.getByTestId('audit-news').textContent()).toBe(`New entry: post removed by ${colleague.user!.username}.`);
  await page.screenshot({ path: artifact('moderation-audit-live.png'), fullPage: true });

  // The moderator's name opens their profile, the link beside it the user lookup; the title opens the thread at the post.
  expect(await newest.getByRole('link', { name: colleague.user!.username, exact: true }).getAttribute('href')).toBe(`/u/${colleague.user!.username}`);
  await newest.getByRole('link', { name: `Look up ${colleague.user!.username}` }).click();
  await page.getByTestId('user-card').getByRole('heading', { name: colleague.user!.username }).waitFor();
  expect(new URL(page.url()).search).toBe(`?user=${colleague.user!.username}`);
  await newest.getByRole('link', { name: TITLE }).click();
  await page.locator(`#post-${postId}`).waitFor();
  expect(new URL(page.url()).pathname + new URL(page.url()).hash).toBe(`/t/${threadId}#post-${postId}`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);

  expect(watcher.problems).toEqual([]);
});

test('with a filter shown, a live entry appears only when the filter would list it', async () => {
  const postId = await reply('Another advert for replica watches');
  const page = await openDashboard();
  await page.getByLabel('Action').selectOption({ label: 'thread locked' });
  await page.getByRole('button', { name: 'Show entries' }).click();
  await page.getByText('No entries match these filters.').waitFor();

  // The removal comes first and is left out; the lock, sent after it on the same socket, shows.
  expect((await colleague.post(`/api/posts/${postId}/remove`, { reason: 'spam' })).status).toBe(200);
  expect((await colleague.post(`/api/threads/${threadId}/lock`)).status).toBe(200);
  const rows = page.getByTestId('audit-entry');
  await rows.getByText('thread locked').waitFor();
  expect(await rows.count()).toBe(1);
  expect(await rows.first().getByRole('link', { name: TITLE }).getAttribute('href')).toBe(`/t/${threadId}`);
  expect(await page.getByTestId('audit-table').textContent()).not.toContain('post removed');

  expect(watcher.problems).toEqual([]);
});

test('"Load more", pressed with the keyboard, brings the older entries and moves the focus to the first of them', async () => {
  // Older than anything above, and more than a page (50): locks by the colleague, written straight to the log.
  const start = Date.parse('2020-01-01T00:00:00Z');
  for (let i = 0; i < 55; i++) {
    await agora.stores.moderation.appendAudit({
      id: newId(), at: new Date(start + i * 60_000).toISOString(), actorId: colleague.user!.id, action: 'thread.lock', target: { kind: 'thread', id: threadId }, reason: '',
    });
  }
  const page = await openDashboard();
  const rows = page.getByTestId('audit-entry');
  await rows.nth(49).waitFor();
  expect(await rows.count()).toBe(50);
  await page.getByRole('button', { name: 'Load more' }).press('Enter');
  await rows.nth(50).waitFor();
  // The button is gone with the last page; the focus is on the first entry it brought, not the page.
  await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
  await expectFocus(page, '[data-testid="audit-table"] tbody > tr:nth-child(51)');
  expect(await rows.nth(50).textContent()).toContain('thread locked');

  expect(watcher.problems).toEqual([]);
});

test('a filter asked for while the first read is still on its way is not lost: the filtered entries are what stays', async () => {
  const { page } = watcher;
  // The first read (no filter) is held until the filter has been asked for.
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => { releaseFirst = resolve; });
  let firstArrived!: () => void;
  const firstSeen = new Promise<void>((resolve) => { firstArrived = resolve; });
  let held = false;
  await page.route('**/api/mod/audit*', async (route) => {
    if (held || new URL(route.request().url()).searchParams.get('action')) return route.continue();
    held = true;
    firstArrived();
    await firstHeld;
    return route.continue();
  });
  await page.goto(`${agora.url}/mod`);
  await firstSeen;
  await page.getByLabel('Action').selectOption({ label: 'thread locked' });
  // The button reads "Loading…" (aria-disabled) while the first read is on its way: pressed with the keyboard.
  await page.getByRole('form', { name: 'Filter the audit log' }).getByRole('button', { name: 'Loading…' }).focus();
  await page.keyboard.press('Enter');
  releaseFirst();
  await page.getByRole('table').getByText('(filtered)').waitFor();
  const rows = page.getByTestId('audit-entry');
  await rows.first().waitFor();
  const actions = await rows.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  expect(actions.every((t) => t.includes('thread locked'))).toBe(true);
  await page.unroute('**/api/mod/audit*');
  expect(watcher.problems).toEqual([]);
});
