import type { Browser, BrowserContext } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, holdRequests, launchBrowser, signedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let threadId: string;
let admin: Client;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } }); // more than a page of threads, below
  browser = await launchBrowser();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'e2e', title: 'E2E forum' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Payments question', body: 'How do I pay?' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

/** Signed in over the API, on a blank page: every test opens its thread first. */
async function signInPage() {
  const signed = await signedInPage(browser, agora);
  contexts.push(signed.context);
  return signed;
}

test('a card number typed in a draft is highlighted, masked on confirmation, and appears masked live in another browser', async () => {
  const writer = await signInPage();
  const reader = await signInPage();
  await reader.page.goto(`${agora.url}/t/${threadId}`);
  await reader.page.getByText('Live', { exact: true }).waitFor();
  await writer.page.goto(`${agora.url}/t/${threadId}`);
  await writer.page.getByText('Live', { exact: true }).waitFor();

  const card = '4111 1111 1111 1111';
  await writer.page.getByLabel('Your reply').fill(`You can use my card **${card}** for the test order.`);
  // The highlight shows while typing, with the plain explanation.
  const warning = writer.page.getByTestId('reply-pii-warning');
  await warning.waitFor();
  expect(await warning.textContent()).toContain('anyone can read, collect or use it');
  expect(await writer.page.locator('mark.pii-sensitive').textContent()).toBe(card);
  // The live preview comes from the server pipeline, masked already.
  await writer.page.getByTestId('reply-preview').locator('strong').waitFor();
  expect(await writer.page.getByTestId('reply-preview').textContent()).not.toContain('4111');

  await writer.page.getByRole('button', { name: 'Post reply' }).click();
  const dialog = writer.page.getByRole('dialog', { name: 'Personal data in your post' });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('payment card number');
  expect(await dialog.getByRole('button', { name: 'Post anyway' }).count()).toBe(0);
  await dialog.getByRole('button', { name: 'Mask and post' }).click();

  // The reader's page gets the reply without a reload, masked.
  const livePost = reader.page.getByTestId('post').filter({ hasText: 'for the test order' });
  await livePost.waitFor();
  const text = (await livePost.textContent())!;
  expect(text).toContain('1111');
  expect(text).not.toContain('4111');
  expect(text).toContain(writer.username);
  expect(text).toContain('payment card number');
  await reader.page.screenshot({ path: artifact('forum-masked-live.png'), fullPage: true });
  await writer.page.screenshot({ path: artifact('forum-writer.png'), fullPage: true });
  expect([...writer.problems, ...reader.problems]).toEqual([]);
});

test('going back to edit keeps the draft and posts nothing; a reader catches up after the network drops', async () => {
  const writer = await signInPage();
  const reader = await signInPage();
  await reader.page.goto(`${agora.url}/t/${threadId}`);
  await reader.page.getByText('Live', { exact: true }).waitFor();
  await writer.page.goto(`${agora.url}/t/${threadId}`);
  await writer.page.getByLabel('Your reply').fill('Mail me at someone@example.org please');
  await writer.page.getByRole('button', { name: 'Post reply' }).click();
  const dialog = writer.page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Go back and edit' }).click();
  expect(await writer.page.getByLabel('Your reply').inputValue()).toBe('Mail me at someone@example.org please');
  expect((await agora.stores.forum.listPosts(threadId, 0, 100)).some((p) => p.source?.includes('someone@example.org'))).toBe(false);

  // The reader goes offline; a post is made; back online, the reader shows it without a reload.
  await reader.page.context().setOffline(true);
  await writer.page.getByLabel('Your reply').fill('Posted while you were away');
  await writer.page.getByRole('button', { name: 'Post reply' }).click();
  await writer.page.getByTestId('post').filter({ hasText: 'Posted while you were away' }).waitFor();
  await reader.page.context().setOffline(false);
  await reader.page.getByTestId('post').filter({ hasText: 'Posted while you were away' }).waitFor({ timeout: 30_000 });
  expect(await reader.page.getByTestId('post').filter({ hasText: 'Posted while you were away' }).count()).toBe(1);
}, 90_000);

test('a reader who does not write never downloads the personal-data detector; a composer fetches it', async () => {
  const scripts = (page: import('playwright-core').Page) => {
    const seen: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') seen.push(new URL(r.url()).pathname);
    });
    return seen;
  };
  const anonymous = await browser.newContext();
  contexts.push(anonymous);
  const readerPage = await anonymous.newPage();
  const readerScripts = scripts(readerPage);
  await readerPage.goto(`${agora.url}/t/${threadId}`);
  await readerPage.getByText('Live', { exact: true }).waitFor();
  await readerPage.getByText('How do I pay?').waitFor();
  expect(readerScripts.length).toBeGreaterThan(0); // the app's own bundle was seen
  expect(readerScripts.filter((p) => /\/assets\/pii-[^/]*\.js$/.test(p))).toEqual([]);

  const writer = await signInPage();
  const writerScripts = scripts(writer.page);
  await writer.page.goto(`${agora.url}/t/${threadId}`);
  await writer.page.getByLabel('Your reply').fill('reach me on +44 20 7946 0958');
  await writer.page.getByTestId('reply-pii-warning').waitFor();
  expect(writerScripts.filter((p) => /\/assets\/pii-[^/]*\.js$/.test(p))).toHaveLength(1);
  expect(writer.problems).toEqual([]);
});

test('"Show older threads", pressed with the keyboard, says why it failed and then hands the focus to the first thread it brought', async () => {
  const forumId = (await admin.post('/api/forums', { slug: 'e2e-many', title: 'Many threads' })).body.forum.id;
  for (let i = 0; i < 55; i++) expect((await admin.post(`/api/forums/${forumId}/threads`, { title: `Thread ${i}`, body: 'One more.' })).status).toBe(201);
  const reader = await signInPage();
  await reader.page.goto(`${agora.url}/f/${forumId}`);
  const rows = reader.page.getByTestId('thread-list').locator('li');
  await rows.nth(49).waitFor();
  expect(await rows.count()).toBe(50);
  // A first press whose answer never comes (the connection cut): the page says so, the button
  // keeps the focus, and pressing it again loads the page.
  const cut = await holdRequests(reader.page, `**/api/forums/${forumId}/threads?cursor=*`);
  const older = reader.page.getByRole('button', { name: 'Show older threads' });
  await older.press('Enter');
  await cut.held;
  await cut.release('abort');
  await reader.page.getByRole('alert').filter({ hasText: 'Agora cannot be reached' }).waitFor();
  await expectFocus(reader.page, 'button', 'Show older threads');
  expect(await rows.count()).toBe(50);
  await older.press('Enter');
  await rows.nth(54).waitFor();
  // The button is gone with the last page; the focus is on the first thread it brought, not the page.
  await reader.page.getByRole('button', { name: 'Show older threads' }).waitFor({ state: 'detached' });
  await expectFocus(reader.page, '[data-testid="thread-list"] > li:nth-child(51) a');
  expect(reader.problems).toEqual([]);
});
