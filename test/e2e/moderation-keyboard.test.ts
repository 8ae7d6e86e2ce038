// Moderating with the keyboard: when the control pressed goes away with its action, the focus goes
// on to what takes its place (Remove, for a post approved or restored; the next card of the review
// queue, for a dismissed flag; the opener, for a form cancelled; the first card a page brought),
// never back to the top of the page. A notice that takes the focus is read then, and not once more
// as a live region's news.
import type { Browser } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { expectFocus, focusInLiveRegion, launchBrowser, signedInPage, type SignedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';
import { newId } from '../../server/store/ids.js';

let agora: Running;
let browser: Browser;
let admin: Client;
let author: Client;
let colleague: Client;
let moderator: SignedInPage;
let threadId: string;
let forumId: string;

beforeAll(async () => {
  // An account's first post waits for a moderator's review: the author's first reply is held.
  // More than a page of the queue comes from the admin's posts, below.
  agora = await startAgora({ env: { HOLD_FIRST_POSTS: '1', POST_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  colleague = await signedIn(agora.url, agora.stores.users, 'moderator');
  author = await signedIn(agora.url, agora.stores.users, 'member');
  forumId = (await admin.post('/api/forums', { slug: 'mod-keys', title: 'Moderation keys', description: 'for the keyboard suite' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Straps', body: 'Leather or metal?' })).body.thread.id;
  moderator = await signedInPage(browser, agora, 'moderator');
});
afterAll(async () => {
  await moderator?.context.close();
  await browser?.close();
  await agora?.close();
});

const reply = (body: string): Promise<string> => author.reply(threadId, body);

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

test("Cancel in the thread's remove and purge forms hands the focus back to the button that opened it; the removal's notice takes it, out of any live region", async () => {
  const doomed = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Buckles', body: 'Pin or deployant?' })).body.thread.id as string;
  const { page } = moderator;
  await page.goto(`${agora.url}/t/${doomed}`);
  await page.getByText('Live', { exact: true }).waitFor();
  const controls = page.getByTestId('thread-mod');

  await controls.getByRole('button', { name: 'Remove thread' }).press('Enter');
  await page.locator(`#thread-${doomed}-remove-reason:focus`).waitFor();
  await controls.getByRole('button', { name: 'Cancel' }).press('Enter');
  await expectFocus(page, '[data-testid="thread-mod"] button', 'Remove thread');
  await controls.getByRole('button', { name: 'Purge thread' }).press('Enter');
  await page.locator(`#thread-${doomed}-purge-reason:focus`).waitFor();
  await controls.getByRole('button', { name: 'Cancel' }).press('Enter');
  await expectFocus(page, '[data-testid="thread-mod"] button', 'Purge thread');

  await controls.getByRole('button', { name: 'Remove thread' }).press('Enter');
  await page.locator(`#thread-${doomed}-remove-reason:focus`).waitFor();
  await page.keyboard.press('ArrowDown'); // "Spam", the first canned reason
  await controls.getByRole('button', { name: 'Remove thread' }).press('Enter');
  await expectFocus(page, '[data-testid="thread-mod"] .mod-notice', 'Thread removed: only moderators can see it now.');
  expect(await focusInLiveRegion(page)).toBe(false);
  expect((await agora.stores.forum.getThread(doomed))!.removal?.reason).toBe('spam');
  expect(moderator.problems).toEqual([]);
});

test("a post's removal notice, and a member's flag outcome, take the focus out of any live region; so does the review queue's undo notice", async () => {
  const postId = await reply('Straps at replica.example, cheap');
  const member = await signedInPage(browser, agora, 'member');
  try {
    await member.page.goto(`${agora.url}/t/${threadId}`);
    const flagged = member.page.locator(`[data-post-id="${postId}"]`);
    await flagged.getByRole('button', { name: 'Flag' }).press('Enter');
    await member.page.locator(`#flag-${postId}-reason:focus`).waitFor();
    await member.page.keyboard.press('ArrowDown'); // "Spam"
    await flagged.getByRole('button', { name: 'Send flag' }).press('Enter');
    await expectFocus(member.page, '[data-testid="flag-outcome"]');
    expect(await focusInLiveRegion(member.page)).toBe(false);
    expect(member.problems).toEqual([]);
  } finally {
    await member.context.close();
  }

  // The review queue: removed from its card, the post's undo notice takes the focus.
  const { page } = moderator;
  await page.goto(`${agora.url}/mod`);
  await page.getByTestId('queue-live').getByText('Live', { exact: true }).waitFor();
  const card = page.locator(`[data-testid="queue-item"][data-post-id="${postId}"]`);
  await card.getByRole('button', { name: 'Remove', exact: true }).press('Enter');
  await page.locator(`#q-${postId}-remove-reason:focus`).waitFor();
  await page.keyboard.press('ArrowDown');
  await card.getByRole('button', { name: 'Remove post' }).press('Enter');
  await card.waitFor({ state: 'detached' });
  await expectFocus(page, `.undo-item[data-post-id="${postId}"]`);
  expect(await focusInLiveRegion(page)).toBe(false);
  expect((await colleague.post(`/api/posts/${postId}/restore`)).status).toBe(200);

  // The thread page: removed with the keyboard, the post's notice (with its Undo) takes the focus.
  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByText('Live', { exact: true }).waitFor();
  const post = page.locator(`[data-post-id="${postId}"]`);
  await post.getByRole('button', { name: 'Remove', exact: true }).press('Enter');
  await page.locator(`#mod-${postId}-remove-reason:focus`).waitFor();
  await page.keyboard.press('ArrowDown');
  await post.getByRole('button', { name: 'Remove post' }).press('Enter');
  await expectFocus(page, `[data-post-id="${postId}"] .mod-notice`);
  expect(await focusInLiveRegion(page)).toBe(false);
  expect((await agora.stores.forum.getPost(postId))!.status).toBe('removed');
  expect(moderator.problems).toEqual([]);
});

test('"Load more of the queue", pressed with the keyboard, hands the focus to the first card it brought', async () => {
  // More than a page (50) of flagged posts, flagged straight in the store.
  const flagger = await signedIn(agora.url, agora.stores.users, 'member');
  for (let i = 0; i < 55; i++) {
    const res = await admin.post(`/api/threads/${threadId}/posts`, { body: `Strap number ${i} for sale` });
    expect(res.status).toBe(201);
    const postId = res.body.post.id as string;
    await agora.stores.moderation.addFlag({
      id: newId(), postId, threadId, byId: flagger.user!.id, reason: 'an advert', createdAt: new Date().toISOString(), status: 'open', resolvedAt: null, resolvedById: null,
    });
    await agora.stores.moderation.enqueue(postId, Date.now());
  }
  const { page } = moderator;
  await page.goto(`${agora.url}/mod`);
  await page.getByTestId('queue-live').getByText('Live', { exact: true }).waitFor();
  const cards = page.getByTestId('queue-item');
  await cards.nth(49).waitFor();
  expect(await cards.count()).toBe(50);
  await page.getByRole('button', { name: 'Load more of the queue' }).press('Enter');
  await cards.nth(50).waitFor();
  // The button is gone with the last page; the focus is on the first card it brought, not the page.
  await page.getByRole('button', { name: 'Load more of the queue' }).waitFor({ state: 'detached' });
  await expectFocus(page, '[data-testid="queue"] > li:nth-child(51)');
  expect(moderator.problems).toEqual([]);
});
