import type { Browser, BrowserContext } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, launchBrowser, pressAndKeepFocus, signedInPage, signInThroughPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let admin: Client;
let author: Client;
let threadId: string;
let forumId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  author = await signedIn(agora.url, agora.stores.users, 'member');
  forumId = (await admin.post('/api/forums', { slug: 'mod-e2e', title: 'Moderation E2E', description: 'for the moderation suite' })).body.forum.id;
  threadId = (await author.post(`/api/forums/${forumId}/threads`, { title: 'Watches', body: 'Which watch should I buy?' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function signInPage(role: 'member' | 'moderator') {
  const signed = await signInThroughPage(browser, agora, role);
  contexts.push(signed.context);
  return signed;
}

/** Signed in over the API, on a blank page: for a reader whose first step is opening a page. */
async function readerPage(role: 'member' | 'moderator') {
  const signed = await signedInPage(browser, agora, role);
  contexts.push(signed.context);
  return signed;
}

const reply = (body: string): Promise<string> => author.reply(threadId, body);

test('a moderator removes a post in the thread page; a member watching sees it vanish without reload, and Undo brings it back', async () => {
  const postId = await reply('Cheap **replica watches** at spam.example, best prices!');
  const moderator = await signInPage('moderator');
  const member = await readerPage('member');

  await member.page.goto(`${agora.url}/t/${threadId}`);
  await member.page.getByText('Live', { exact: true }).waitFor();
  // The header offers moderation only to moderators.
  expect(await member.page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Moderation', exact: true }).count()).toBe(0);
  await moderator.page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Moderation', exact: true }).waitFor();
  await moderator.page.goto(`${agora.url}/t/${threadId}`);
  await moderator.page.getByText('Live', { exact: true }).waitFor();

  const memberPost = member.page.locator(`[data-post-id="${postId}"]`);
  const modPost = moderator.page.locator(`[data-post-id="${postId}"]`);
  expect(await memberPost.textContent()).toContain('replica watches');
  // Members get a Flag button on others' posts and no moderation controls.
  expect(await memberPost.getByRole('button', { name: 'Flag' }).count()).toBe(1);
  expect(await memberPost.getByRole('button', { name: 'Remove', exact: true }).count()).toBe(0);

  // Remove with a canned reason; the reason select has the focus when the form opens.
  await modPost.getByRole('button', { name: 'Remove', exact: true }).click();
  const reason = modPost.getByLabel('Reason', { exact: true });
  await reason.waitFor();
  await moderator.page.locator(`#mod-${postId}-remove-reason:focus`).waitFor();
  // Submitting without a reason answers next to the select, and removes nothing.
  await modPost.getByRole('button', { name: 'Remove post' }).click();
  await modPost.locator(`#mod-${postId}-remove-reason-error`).waitFor();
  expect(await reason.getAttribute('aria-invalid')).toBe('true');
  expect((await agora.stores.forum.getPost(postId))!.status).toBe('visible');
  await reason.selectOption({ label: 'Spam' });
  await modPost.getByRole('button', { name: 'Remove post' }).click();

  // The moderator sees the removal in place (who and why) with an immediate Undo.
  await modPost.getByTestId('removal-note').waitFor();
  expect(await modPost.getByTestId('removal-note').textContent()).toContain(`Removed by ${moderator.username}`);
  expect(await modPost.getByTestId('removal-note').textContent()).toContain('spam');
  // The member's page turns the post into a tombstone, without a reload.
  await memberPost.getByText('This post was removed by a moderator.').waitFor();
  expect(await memberPost.textContent()).not.toContain('replica watches');
  expect((await agora.stores.forum.getPost(postId))!.removal?.reason).toBe('spam');
  await member.page.screenshot({ path: artifact('moderation-member-tombstone.png'), fullPage: true });
  await moderator.page.screenshot({ path: artifact('moderation-thread-removed.png'), fullPage: true });

  // Undo by keyboard: the moderator's focus goes on to Remove, back in its place.
  await modPost.getByRole('button', { name: 'Undo' }).press('Enter');
  await memberPost.getByText('replica watches').waitFor();
  expect(await memberPost.getByText('This post was removed by a moderator.').count()).toBe(0);
  await modPost.getByText('Post restored').waitFor();
  await expectFocus(moderator.page, `[data-post-id="${postId}"] button`, 'Remove');
  expect(await modPost.getByTestId('removal-note').count()).toBe(0);
  expect((await agora.stores.forum.getPost(postId))!.status).toBe('visible');
  await member.page.screenshot({ path: artifact('moderation-member-restored.png'), fullPage: true });

  // Locking reaches the member live: the reply box goes away; unlocking brings it back.
  await member.page.getByLabel('Your reply').waitFor();
  // By keyboard: the button, now Unlock, keeps the moderator's focus.
  expect(await pressAndKeepFocus(moderator.page, moderator.page.getByRole('button', { name: 'Lock thread' }),
    () => moderator.page.getByRole('button', { name: 'Unlock thread' }).waitFor())).toBe('Unlock thread');
  await member.page.getByText('This thread is locked.', { exact: false }).first().waitFor();
  await member.page.getByLabel('Your reply').waitFor({ state: 'detached' });
  await moderator.page.getByRole('button', { name: 'Unlock thread' }).click();
  await member.page.getByLabel('Your reply').waitFor();

  expect([...moderator.problems, ...member.problems]).toEqual([]);
}, 60_000);

test('the dashboard shows a new flag live and dismisses it; a member flags in the thread page; members are not allowed in', async () => {
  const postId = await reply('Is this **watch** a good deal?');
  const moderator = await signInPage('moderator');
  const member = await readerPage('member');

  // Members get a clear refusal at /mod.
  await member.page.goto(`${agora.url}/mod`);
  await member.page.getByRole('heading', { name: 'Not allowed' }).waitFor();

  await moderator.page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Moderation', exact: true }).click();
  await moderator.page.getByRole('heading', { name: 'Moderation', level: 1 }).waitFor();
  await moderator.page.getByTestId('queue-live').getByText('Live', { exact: true }).waitFor();
  const item = moderator.page.locator(`[data-testid="queue-item"][data-post-id="${postId}"]`);
  expect(await item.count()).toBe(0);

  // A member flags the post through the API while the dashboard is open: it arrives live.
  const flagger = await signedIn(agora.url, agora.stores.users, 'member');
  expect((await flagger.post(`/api/posts/${postId}/flags`, { reason: 'Looks like an advert' })).status).toBe(201);
  await item.waitFor();
  const itemText = (await item.textContent())!;
  expect(itemText).toContain('Looks like an advert');
  expect(itemText).toContain(flagger.user!.username);
  expect(itemText).toContain(author.user!.username);
  expect(itemText).toContain('good deal');
  await moderator.page.screenshot({ path: artifact('moderation-dashboard-flag.png'), fullPage: true });

  // A second member flags from the thread page and sees the outcome next to the post; the
  // dashboard groups the second flag under the same post.
  await member.page.goto(`${agora.url}/t/${threadId}`);
  const memberPost = member.page.locator(`[data-post-id="${postId}"]`);
  await memberPost.getByRole('button', { name: 'Flag' }).click();
  await memberPost.getByLabel('Reason', { exact: true }).selectOption({ label: 'Off-topic' });
  await memberPost.getByLabel('Details').fill('not about watches really');
  await memberPost.getByRole('button', { name: 'Send flag' }).click();
  await memberPost.getByTestId('flag-outcome').waitFor();
  expect(await memberPost.getByTestId('flag-outcome').textContent()).toContain('moderators will review');
  await item.getByText('off-topic: not about watches really').waitFor();
  expect(await item.getByTestId('flag').count()).toBe(2);

  // Dismissing both flags (by keyboard) takes the post out of the queue; focus goes to the other flag, then the heading.
  await item.getByRole('button', { name: `Dismiss the flag by ${flagger.user!.username}` }).press('Enter');
  await moderator.page.getByTestId('queue-message').getByText('Dismissed the flag').waitFor();
  expect(await item.getByTestId('flag').count()).toBe(1);
  await expectFocus(moderator.page, `[aria-label="Dismiss the flag by ${member.username}"]`);
  await item.getByRole('button', { name: `Dismiss the flag by ${member.username}` }).press('Enter');
  await item.waitFor({ state: 'detached' });
  await expectFocus(moderator.page, '#queue-title');
  expect(await agora.stores.moderation.inQueue(postId)).toBe(false);

  // The audit view shows the dismissals, filtered by action and by moderator.
  await moderator.page.getByLabel('Moderator (username)').fill(moderator.username);
  await moderator.page.getByLabel('Action').selectOption('flag.dismiss');
  await moderator.page.getByRole('button', { name: 'Show entries' }).click();
  await moderator.page.getByTestId('audit-table').getByText('(filtered)').waitFor();
  const rows = moderator.page.getByTestId('audit-entry');
  expect(await rows.count()).toBe(2);
  // In words: the action and the post's thread by name, never the action code or the post's id.
  expect(await rows.first().textContent()).toContain('flag dismissed');
  expect(await rows.first().getByRole('link', { name: 'Watches' }).getAttribute('href')).toBe(`/t/${threadId}#post-${postId}`);
  expect(await rows.first().textContent()).not.toContain(postId);
  // An unknown moderator name is an error next to its field.
  await moderator.page.getByLabel('Moderator (username)').fill('nobody-by-this-name');
  await moderator.page.getByRole('button', { name: 'Show entries' }).click();
  await moderator.page.locator('#audit-actor-error').waitFor();
  await moderator.page.screenshot({ path: artifact('moderation-dashboard-audit.png'), fullPage: true });

  expect([...moderator.problems, ...member.problems]).toEqual([]);
}, 60_000);

test('from the dashboard a moderator removes a flagged post with Undo, purges it after a confirmation, and bans its author for a week', async () => {
  const spamId = await reply('Buy followers now at followers.example');
  const leakId = await reply('My neighbour lives at 12 Example Street, call him');
  const flagger = await signedIn(agora.url, agora.stores.users, 'member');
  for (const id of [spamId, leakId]) expect((await flagger.post(`/api/posts/${id}/flags`, { reason: 'bad' })).status).toBe(201);

  const moderator = await readerPage('moderator');
  await moderator.page.goto(`${agora.url}/mod`);
  await moderator.page.getByTestId('queue-live').getByText('Live', { exact: true }).waitFor();
  const spam = moderator.page.locator(`[data-testid="queue-item"][data-post-id="${spamId}"]`);
  const leak = moderator.page.locator(`[data-testid="queue-item"][data-post-id="${leakId}"]`);
  await spam.waitFor();

  // Remove with a canned reason plus free text, by keyboard: the form opens with the select focused.
  await spam.getByRole('button', { name: 'Remove', exact: true }).click();
  await moderator.page.locator(`#q-${spamId}-remove-reason:focus`).waitFor();
  await moderator.page.keyboard.press('ArrowDown'); // "Spam" (first canned reason)
  await spam.getByLabel('Details').fill('follower selling');
  await spam.getByLabel('Details').press('Enter');
  await spam.waitFor({ state: 'detached' });
  expect((await agora.stores.forum.getPost(spamId))!.removal?.reason).toBe('spam: follower selling');
  const notice = moderator.page.getByTestId('undo-list');
  expect(await notice.textContent()).toContain('spam: follower selling');
  await notice.getByRole('button', { name: 'Undo' }).press('Enter'); // by keyboard: the notice keeps the focus
  await notice.getByText('Restored the post').waitFor();
  await expectFocus(moderator.page, `.undo-item[data-post-id="${spamId}"]`);
  expect((await agora.stores.forum.getPost(spamId))!.status).toBe('visible');

  // Purge asks first and says it is permanent; Cancel keeps everything.
  await leak.getByRole('button', { name: 'Purge', exact: true }).click();
  expect(await leak.getByRole('note').textContent()).toContain('permanent');
  expect(await leak.getByLabel('Reason', { exact: true }).inputValue()).toBe('personal data');
  await leak.getByRole('button', { name: 'Cancel' }).click();
  expect((await agora.stores.forum.getPost(leakId))!.source).toContain('Example Street');
  await leak.getByRole('button', { name: 'Purge', exact: true }).click();
  await moderator.page.screenshot({ path: artifact('moderation-purge-confirm.png'), fullPage: true });
  await leak.getByRole('button', { name: 'Purge permanently' }).click();
  await leak.waitFor({ state: 'detached' });
  const purged = (await agora.stores.forum.getPost(leakId))!;
  expect(purged.source).toBeNull();
  expect(purged.status).toBe('removed');

  // Ban the author for 7 days, then unban.
  await moderator.page.getByLabel('Username', { exact: true }).fill(author.user!.username);
  await moderator.page.getByRole('button', { name: 'Look up' }).click();
  const card = moderator.page.getByTestId('user-card');
  await card.getByText('not banned').waitFor();
  expect(await card.getByRole('link', { name: author.user!.username, exact: true }).getAttribute('href')).toBe(`/u/${author.user!.username}`);
  await card.getByLabel('Reason for the ban').fill('selling followers');
  await card.getByLabel('Duration').selectOption({ label: '7 days' });
  await card.getByRole('button', { name: `Ban ${author.user!.username}` }).click();
  await card.getByTestId('user-message').getByText('is banned until').waitFor();
  const ban = (await agora.stores.users.get(author.user!.id))!.ban!;
  expect(ban.reason).toBe('selling followers');
  const days = (Date.parse(ban.until!) - Date.parse(ban.at)) / 86_400_000; // the ban's own length
  expect(days).toBeGreaterThan(6.9);
  expect(days).toBeLessThan(7.1);
  await moderator.page.screenshot({ path: artifact('moderation-dashboard-ban.png'), fullPage: true });
  await card.getByRole('button', { name: `Unban ${author.user!.username}` }).click();
  await card.getByText('not banned').waitFor();
  expect((await agora.stores.users.get(author.user!.id))!.ban).toBeNull();

  expect(moderator.problems).toEqual([]);
}, 60_000);

test('a moderator removes a whole thread: a member reading it and a member on the forum page lose it live; Restore brings it back', async () => {
  const created = await author.post(`/api/forums/${forumId}/threads`, { title: "My neighbour's address", body: 'He lives at 12 Example Street.' });
  expect(created.status).toBe(201);
  const doomed = created.body.thread.id as string;
  const moderator = await signInPage('moderator');
  const reader = await readerPage('member');
  const browser2 = await readerPage('member');

  await reader.page.goto(`${agora.url}/t/${doomed}`);
  await reader.page.getByText('Live', { exact: true }).waitFor();
  await reader.page.getByText('12 Example Street').waitFor();
  // Members get no thread controls.
  expect(await reader.page.getByRole('button', { name: 'Remove thread' }).count()).toBe(0);
  await browser2.page.goto(`${agora.url}/f/${forumId}`);
  const row = browser2.page.locator(`[data-thread-id="${doomed}"]`);
  await row.waitFor();
  await moderator.page.goto(`${agora.url}/t/${doomed}`);
  await moderator.page.getByText('Live', { exact: true }).waitFor();

  // Remove with a reason, as for a post: the reason select has the focus when the form opens.
  await moderator.page.getByRole('button', { name: 'Remove thread' }).click();
  await moderator.page.locator(`#thread-${doomed}-remove-reason:focus`).waitFor();
  await moderator.page.getByLabel('Reason', { exact: true }).selectOption({ label: 'Personal data' });
  await moderator.page.getByRole('button', { name: 'Remove thread', exact: true }).last().click();

  // The moderator keeps the thread, marked removed with who and why; the reply box goes.
  const note = moderator.page.getByTestId('thread-mod').getByTestId('removal-note');
  await note.waitFor();
  expect(await note.textContent()).toContain(`Removed by ${moderator.username}`);
  expect(await note.textContent()).toContain('personal data');
  await moderator.page.getByText('This thread is removed: restore it to reply.').waitFor();
  expect(await moderator.page.getByText('12 Example Street').count()).toBe(1);

  // Open tabs drop it without a reload: the thread page says so, the forum page loses the row.
  await reader.page.getByTestId('thread-gone').waitFor();
  expect(await reader.page.getByRole('heading', { level: 1 }).textContent()).toBe('This thread was removed');
  expect(await reader.page.content()).not.toContain('Example Street');
  await row.waitFor({ state: 'detached' });
  expect(await browser2.page.content()).not.toContain('neighbour');
  expect((await agora.stores.forum.getThread(doomed))!.removal?.reason).toBe('personal data');
  await reader.page.screenshot({ path: artifact('moderation-thread-gone.png'), fullPage: true });
  await moderator.page.screenshot({ path: artifact('moderation-thread-removed-mod.png'), fullPage: true });

  // Restore (by keyboard, focus going on to Remove thread): back in the forum list live, and the moderator's page loses the mark.
  await moderator.page.getByRole('button', { name: 'Restore thread' }).press('Enter');
  await moderator.page.getByText('Thread restored').waitFor();
  await expectFocus(moderator.page, '[data-testid="thread-mod"] button', 'Remove thread');
  await row.waitFor();
  expect(await moderator.page.getByTestId('thread-mod').getByTestId('removal-note').count()).toBe(0);
  await reader.page.getByText('12 Example Street').waitFor();

  expect([...moderator.problems, ...reader.problems, ...browser2.problems]).toEqual([]);
}, 60_000);
