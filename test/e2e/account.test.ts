import { readFile } from 'node:fs/promises';
import request from 'supertest';
import type { Browser, BrowserContext, Route } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, holdRequests, launchBrowser, pressAndKeepFocus, signInThroughPage, BROWSER_PASSWORD } from '../helpers/browser.js';
import { Client, signedIn } from '../helpers/http.js';

// Needs `accountRoute` and `testimonialsRoute` wired into client/src/main.tsx and a fresh `vite build`.

const PASSWORD = BROWSER_PASSWORD;
let agora: Running;
let browser: Browser;
let admin: Client;
let forumId: string;
let adminThreadId: string;
let adminPostId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  forumId = (await admin.post('/api/forums', { slug: 'account-e2e', title: 'Account E2E' })).body.forum.id;
  const welcome = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Welcome', body: 'Say hello here.' })).body;
  adminThreadId = welcome.thread.id;
  adminPostId = welcome.post.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function signInPage(role: 'member' | 'admin' = 'member') {
  const signed = await signInThroughPage(browser, agora, role);
  contexts.push(signed.context);
  return signed;
}

test('a member sees their data, downloads it, and deletes their account through the pages', async () => {
  const me = await signInPage();
  const { page, username } = me;
  // The same member, signed in elsewhere too, with a thread, a reply and a flag.
  const phone = new Client(agora.url);
  expect((await phone.login(username, PASSWORD)).status).toBe(200);
  expect((await phone.post(`/api/forums/${forumId}/threads`, { title: 'My first thread', body: 'Hello from my first post' })).status).toBe(201);
  const reply = (await phone.post(`/api/threads/${adminThreadId}/posts`, { body: 'A reply of mine, saying hello' })).body.post;
  expect((await phone.post(`/api/posts/${adminPostId}/flags`, { reason: 'off topic' })).status).toBe(201);

  await page.goto(`${agora.url}/account`);
  await page.getByTestId('profile-username').waitFor();
  expect(await page.getByTestId('profile-username').textContent()).toBe(username);
  expect(await page.getByTestId('profile-email').textContent()).toContain(`${username}@example.com`);
  const posts = page.getByTestId('my-post');
  expect(await posts.count()).toBe(2);
  expect(await page.getByTestId('posts').textContent()).toContain('Hello from my first post');
  expect(await page.getByTestId('posts').textContent()).toContain('A reply of mine, saying hello');
  expect(await page.getByTestId('threads').textContent()).toContain('My first thread');
  expect(await page.getByTestId('flags').textContent()).toContain('off topic');
  // Starting a thread watches it; writing in a thread reads it up to there.
  const following = await page.getByTestId('following').textContent();
  expect(following).toContain('My first thread · You watch it · read up to post 1');
  expect(following).toContain(`Welcome · read up to post ${reply.seq}`);
  expect(await page.getByTestId('referral-count').textContent()).toBe('0');

  // Two sessions, this one marked; signing out the other ends the phone's session. By keyboard: the
  // button goes with the last other session, and the outcome takes the focus.
  const sessions = page.getByTestId('session-list').getByRole('listitem');
  expect(await sessions.count()).toBe(2);
  expect(await sessions.first().textContent()).toContain('This device');
  await page.getByRole('button', { name: 'Sign out other sessions' }).press('Enter');
  await page.getByText('Signed out 1 other session.').waitFor();
  await sessions.nth(1).waitFor({ state: 'detached' });
  await expectFocus(page, '[role="status"]', 'Signed out 1 other session.');
  expect(await sessions.count()).toBe(1);
  expect((await phone.get('/api/auth/me')).status).toBe(401);

  // An e-mail change needs the current password; the error sits next to that field.
  const email = page.getByTestId('change-email');
  await email.getByLabel('New e-mail address').fill(`new-${username}@example.org`);
  await email.getByLabel('Current password').fill('not my password');
  await email.getByRole('button', { name: 'Change e-mail address' }).click();
  await page.locator('#email-current-password-error').waitFor();
  expect(await email.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
  await email.getByLabel('Current password').fill(PASSWORD);
  await email.getByRole('button', { name: 'Change e-mail address' }).click();
  await page.getByTestId('email-outcome').filter({ hasText: `new-${username}@example.org` }).waitFor();
  expect(await page.getByTestId('profile-email').textContent()).toContain(`new-${username}@example.org`);

  // A new password: a mismatch is caught next to the repeat field; success says other sessions ended.
  const NEW_PASSWORD = 'an even longer new password';
  const pw = page.getByTestId('change-password');
  await pw.getByLabel('Current password').fill(PASSWORD);
  await pw.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await pw.getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}!`);
  await pw.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#password-repeat-error').waitFor();
  await pw.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
  await pw.getByRole('button', { name: 'Change password' }).click();
  await page.getByTestId('password-outcome').filter({ hasText: 'other sessions were signed out' }).waitFor();
  expect((await new Client(agora.url).login(username, NEW_PASSWORD)).status).toBe(200);
  await page.screenshot({ path: artifact('account-page.png'), fullPage: true });

  // Download my data (by keyboard, the button keeping the focus): a file, holding this member's data.
  const downloaded = page.waitForEvent('download');
  expect(await pressAndKeepFocus(page, page.getByRole('button', { name: 'Download my data' }), () => downloaded)).toBe('Download my data');
  const download = await downloaded;
  expect(download.suggestedFilename()).toBe('agora-export.json');
  const file = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(file.user).toMatchObject({ id: me.id, username, email: `new-${username}@example.org` });
  expect(file.posts.map((p: { source: string }) => p.source).sort()).toEqual(['A reply of mine, saying hello', 'Hello from my first post']);
  expect(file.posts.map((p: { id: string }) => p.id)).toContain(reply.id);
  expect(JSON.stringify(file)).not.toContain(admin.user!.username);
  await page.getByRole('link', { name: /Save agora-export\.json/ }).waitFor();

  // Delete my account: choose what happens to the posts, the password, then a final confirmation.
  const del = page.getByTestId('delete-account');
  await del.getByRole('button', { name: 'Delete my account…' }).click();
  await del.getByRole('button', { name: 'Continue' }).click();
  await page.locator('#delete-posts-error').waitFor(); // no choice made yet
  await del.getByLabel(/Keep my posts as "former member"/).check();
  await del.getByLabel('Current password').fill('not my password');
  await del.getByRole('button', { name: 'Continue' }).click();
  const confirm = page.getByTestId('delete-confirm');
  await confirm.waitFor();
  await page.locator('#delete-confirm-title:focus').waitFor(); // keyboard focus moves to the question
  expect(await confirm.textContent()).toContain('This cannot be undone');
  expect(await confirm.textContent()).toContain('former member');
  // Agora out of reach: the message shows, and the button, pressed by keyboard, keeps the focus.
  const unreachable = (route: Route) => (route.request().method() === 'DELETE' ? route.abort('internetdisconnected') : route.fallback());
  await page.route(`${agora.url}/api/me`, unreachable);
  expect(await pressAndKeepFocus(page, confirm.getByRole('button', { name: 'Delete my account for good' }),
    () => confirm.getByRole('alert').getByText('Agora cannot be reached').waitFor())).toBe('Delete my account for good');
  await page.unroute(`${agora.url}/api/me`, unreachable);
  await confirm.getByRole('button', { name: 'Delete my account for good' }).press('Enter');
  // A wrong password sends the member back, with the error next to the password field and the choice kept.
  await page.locator('#delete-password-error').waitFor();
  await page.locator('#delete-password:focus').waitFor();
  expect(await del.getByLabel(/Keep my posts as "former member"/).isChecked()).toBe(true);
  expect(await agora.stores.users.get(me.id)).not.toBeNull();
  await del.getByLabel('Current password').fill(NEW_PASSWORD);
  await del.getByRole('button', { name: 'Continue' }).click();
  await confirm.waitFor();
  await page.screenshot({ path: artifact('account-delete-confirm.png'), fullPage: true });
  await confirm.getByRole('button', { name: 'Delete my account for good' }).click();

  // Signed out, on the start page, told what happened.
  await page.getByTestId('flash').filter({ hasText: 'Your account has been deleted' }).waitFor();
  await page.locator('[data-testid="flash"]:focus').waitFor(); // and then to the outcome
  expect(new URL(page.url()).pathname).toBe('/');
  expect(await page.getByTestId('flash').textContent()).toContain('former member');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
  expect(await page.getByTestId('whoami').count()).toBe(0);
  await page.screenshot({ path: artifact('account-deleted.png'), fullPage: true });

  // The server agrees: the user is gone, the posts stay under the anonymous name.
  expect(await agora.stores.users.get(me.id)).toBeNull();
  expect((await new Client(agora.url).login(username, NEW_PASSWORD)).status).toBe(401);
  const kept = (await request(agora.url).get(`/api/posts/${reply.id}`)).body.post;
  expect(kept.author).toMatchObject({ username: 'former member' });

  // Signing in again through the page fails; the account page asks to sign in.
  await page.goto(`${agora.url}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.form-error').waitFor();
  await page.goto(`${agora.url}/account`);
  await page.getByTestId('account-signin').waitFor();
  expect(me.problems).toEqual([]);
}, 60_000);

test('a testimonial is public only with consent and while an admin features it; withdrawing takes it off at once; its buttons keep or hand on the keyboard focus', async () => {
  const member = await signInPage();
  const { page } = member;
  const words = `Agora is the calmest forum I know (${member.username})`;
  const publicTexts = async () => (await request(agora.url).get('/api/testimonials')).body.items.map((t: { text: string }) => t.text);

  await page.goto(`${agora.url}/testimonials`);
  await page.getByLabel('Write a testimonial').fill(words);
  await page.getByRole('button', { name: 'Save testimonial' }).click();
  const card = page.getByTestId('my-testimonial').filter({ hasText: words });
  await card.waitFor();
  expect(await card.getByTestId('testimonial-state').textContent()).toMatch(/^Draft/);

  // Consent is explicit: without the box ticked nothing is recorded, and the error sits by the box.
  await card.getByLabel('Your name as published').fill('Ada L.');
  await card.getByLabel('Your title (optional)').fill('Engineer');
  await card.getByRole('button', { name: 'Give consent' }).click();
  await card.locator('[id$="-agree-error"]').waitFor();
  await page.screenshot({ path: artifact('account-testimonial-consent.png'), fullPage: true });
  expect((await agora.stores.testimonials.byAuthor(member.id))[0]!.consent).toBeNull();
  await card.getByLabel('I agree that Agora may publish this text with my name and title').check();
  await card.getByRole('button', { name: 'Give consent' }).click();
  await card.getByTestId('testimonial-state').filter({ hasText: 'Consent given' }).waitFor();
  expect(await card.textContent()).toContain('Ada L., Engineer');
  expect(await publicTexts()).not.toContain(words); // consented, not featured yet

  // An administrator features it from the curation list.
  const curator = await signInPage('admin');
  await curator.page.goto(`${agora.url}/testimonials`);
  await curator.page.getByRole('button', { name: 'Feature the testimonial by Ada L.' }).click();
  await curator.page.getByTestId('curation-outcome').filter({ hasText: 'is now on the public list' }).waitFor();
  await curator.page.getByTestId('public-testimonial').filter({ hasText: words }).waitFor();
  await curator.page.screenshot({ path: artifact('account-testimonials-admin.png'), fullPage: true });
  expect(await publicTexts()).toContain(words);

  // The member sees it published, then withdraws: gone from the public list at once.
  await page.reload();
  const published = page.getByTestId('public-testimonial').filter({ hasText: words });
  await published.waitFor();
  expect(await published.textContent()).toContain('Ada L., Engineer');
  expect(await card.getByTestId('testimonial-state').textContent()).toBe('Published');
  await page.screenshot({ path: artifact('account-testimonials.png'), fullPage: true });
  // By keyboard: the button keeps the focus while it works, and Edit, first in its row now, takes it after.
  const withdrawal = await holdRequests(page, `${agora.url}/api/testimonials/*/consent`, 'DELETE');
  await card.getByRole('button', { name: 'Withdraw consent' }).press('Enter');
  await withdrawal.held;
  await expectFocus(page, '[data-testid="my-testimonial"] button[aria-disabled="true"]', 'Withdrawing…');
  await withdrawal.release();
  await card.getByText('Consent withdrawn').waitFor();
  await expectFocus(page, '[data-testid="my-testimonial"] .edit-button', 'Edit');
  expect(await card.getByTestId('testimonial-state').textContent()).toMatch(/^Draft/);
  await published.waitFor({ state: 'detached' });
  expect(await publicTexts()).not.toContain(words);

  // Consent again by keyboard: the form goes, and Withdraw consent, in its place, takes the focus.
  await card.getByLabel('Your name as published').fill('Ada L.');
  await card.getByLabel('I agree that Agora may publish this text with my name and title').check();
  await card.getByRole('button', { name: 'Give consent' }).press('Enter');
  await card.getByRole('button', { name: 'Withdraw consent' }).waitFor();
  await expectFocus(page, '[data-testid="my-testimonial"] button', 'Withdraw consent');
  // Edit, then Cancel by keyboard: the focus goes back to Edit.
  await card.getByRole('button', { name: 'Edit' }).press('Enter');
  await expectFocus(page, '[data-testid="my-testimonial"] textarea');
  await page.getByTestId('my-testimonial').getByRole('button', { name: 'Cancel' }).press('Enter');
  await expectFocus(page, '[data-testid="my-testimonial"] .edit-button', 'Edit');
  // Then edit: the page says the edit withdraws consent, and it does; the focus goes back to Edit.
  await card.getByRole('button', { name: 'Edit' }).click();
  const only = page.getByTestId('my-testimonial'); // while editing, the text is in a text box, not the card's text
  expect(await only.count()).toBe(1);
  expect(await only.textContent()).toContain('Saving a changed text withdraws your consent');
  await only.getByLabel('Your testimonial').fill(`${words}, truly`);
  await only.getByRole('button', { name: 'Save', exact: true }).press('Enter');
  await only.getByText('Your consent was withdrawn because the text changed').waitFor();
  await expectFocus(page, '[data-testid="my-testimonial"] .edit-button', 'Edit');
  expect(await only.getByTestId('testimonial-state').textContent()).toMatch(/^Draft/);
  expect((await agora.stores.testimonials.byAuthor(member.id))[0]).toMatchObject({ text: `${words}, truly`, consent: null });

  // Delete, Keep it by keyboard: the focus goes back to Delete. "Delete it" keeps it while Agora
  // cannot be reached (under the message), and hands it to the list's heading once it is through.
  await only.getByRole('button', { name: 'Delete' }).press('Enter');
  await expectFocus(page, '.confirm-panel h4', 'Delete this testimonial?');
  await only.getByRole('button', { name: 'Keep it' }).press('Enter');
  await expectFocus(page, '[data-testid="my-testimonial"] .delete-button', 'Delete');
  await only.getByRole('button', { name: 'Delete' }).press('Enter');
  await expectFocus(page, '.confirm-panel h4', 'Delete this testimonial?');
  const cut = await holdRequests(page, `${agora.url}/api/testimonials/*`, 'DELETE');
  await only.getByRole('button', { name: 'Delete it' }).press('Enter');
  await cut.held;
  await cut.release('abort');
  await only.locator('.form-error').waitFor();
  await expectFocus(page, '[data-testid="my-testimonial"] button.danger', 'Delete it');
  await only.getByRole('button', { name: 'Delete it' }).press('Enter');
  await only.waitFor({ state: 'detached' });
  await expectFocus(page, '#mine-title');
  expect(await agora.stores.testimonials.byAuthor(member.id)).toEqual([]);
  expect([...member.problems, ...curator.problems]).toEqual([]);
}, 60_000);
