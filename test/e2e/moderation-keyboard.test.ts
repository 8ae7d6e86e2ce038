// Moderating with the keyboard: when the control pressed goes away with its action, the focus goes
// on to what takes its place (Remove, for a post approved or restored; the next card of the review
// queue, for a dismissed flag), never back to the top of the page.
import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { expectFocus, launchBrowser, signedInPage, type SignedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let author: Client;
let colleague: Client;
let moderator: SignedInPage;
let threadId: string;

beforeAll(async () => {
  // An account's first post waits for a moderator's review: the author's first reply is held.
  agora = await startAgora({ env: { HOLD_FIRST_POSTS: '1' } });
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  colleague = await signedIn(agora.url, agora.stores.users, 'moderator');
  author = await signedIn(agora.url, agora.stores.users, 'member');
  const forumId = (await admin.post('/api/forums', { slug: 'mod-keys', title: 'Moderation keys', description: 'for the keyboard suite' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Straps', body: 'Leather or metal?' })).body.thread.id;
  moderator = await signedInPage(browser, agora, 'moderator');
});
afterAll(async () => {
  await moderator?.context.close();
  await browser?.close();
  await agora?.close();
});

async function reply(body: string): Promise<string> {
  const res = await author.post(`/api/threads/${threadId}/posts`, { body });
  expect(res.status).toBe(201);
  return res.body.post.id as string;
}

test("on the thread page, Approve and Restore pressed with the keyboard hand the focus to the post's Remove", async () => {
  const heldId = await reply('My first post: leather, always.');
  const removedId = await reply('Replica straps at spam.example');
  expect((await agora.stores.forum.getPost(heldId))!.status).toBe('held');
  expect((await colleague.post(`/api/posts/${removedId}/remove`, { reason: 'spam' })).status).toBe(200);
  const { page } = moderator;
  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByText('Live', { exact: true }).waitFor();

  const held = page.locator(`[data-post-id="${heldId}"]`);
  await held.getByRole('button', { name: 'Approve' }).press('Enter');
  await held.getByText('Post approved').waitFor();
  await expectFocus(page, `[data-post-id="${heldId}"] button`, 'Remove');
  expect((await agora.stores.forum.getPost(heldId))!.status).toBe('visible');

  const removed = page.locator(`[data-post-id="${removedId}"]`);
  await removed.getByRole('button', { name: 'Restore', exact: true }).press('Enter');
  await removed.getByText('Post restored').waitFor();
  await expectFocus(page, `[data-post-id="${removedId}"] button`, 'Remove');
  expect((await agora.stores.forum.getPost(removedId))!.status).toBe('visible');
  expect(moderator.problems).toEqual([]);
});

test('dismissing the last flag of a card in the review queue hands the focus to the next card', async () => {
  const [first, second] = [await reply('Buy my old straps, cheap'), await reply('Straps for sale, message me')];
  const flagger = await signedIn(agora.url, agora.stores.users, 'member');
  for (const id of [first, second]) expect((await flagger.post(`/api/posts/${id}/flags`, { reason: 'an advert' })).status).toBe(201);
  const { page } = moderator;
  await page.goto(`${agora.url}/mod`);
  await page.getByTestId('queue-live').getByText('Live', { exact: true }).waitFor();
  const card = (id: string) => page.locator(`[data-testid="queue-item"][data-post-id="${id}"]`);
  await card(second).waitFor();

  // Oldest first: the second post's card follows, and takes the focus once the first card leaves.
  await card(first).getByRole('button', { name: `Dismiss the flag by ${flagger.user!.username}` }).press('Enter');
  await card(first).waitFor({ state: 'detached' });
  await expectFocus(page, `[data-testid="queue-item"][data-post-id="${second}"]`);
  expect(moderator.problems).toEqual([]);
});
