// Pages tell people what is happening to what they write: the personal-data dialog shows exactly
// what will be published (and can mask an e-mail address too), sign-up shows every problem at
// once, a banned member sees the ban and its end, and an author sees why their post was removed.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectTitle, launchBrowser, signedInPage, type SignedInPage } from '../helpers/browser.js';
import { signedIn, uniqueName, type Client } from '../helpers/http.js';

const ADDRESS = 'jane.doe@example.org';
const MASKED_ADDRESS = `${'\u2022'.repeat(ADDRESS.length - 4)}.org`;
const CARD = '4111 1111 1111 1111';

let agora: Running;
let browser: Browser;
let moderator: Client;
let threadId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  const forumId = (await admin.post('/api/forums', { slug: 'help', title: 'Help' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Payments question', body: 'How do I pay?' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function member(): Promise<SignedInPage> {
  const signed = await signedInPage(browser, agora);
  contexts.push(signed.context);
  await signed.page.goto(`${agora.url}/t/${threadId}`);
  await signed.page.getByText('Live', { exact: true }).waitFor();
  return signed;
}

const focusedText = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '');

test('the personal-data dialog shows what will be published, focuses "Go back and edit", and masks an e-mail address on request', async () => {
  const { page, problems } = await member();
  await page.getByLabel('Your reply').fill(`Mail ${ADDRESS} or pay with ${CARD} for the order.`);
  await page.getByTestId('reply-pii-warning').waitFor();
  await page.getByRole('button', { name: 'Post reply' }).click();
  const dialog = page.getByRole('dialog', { name: 'Personal data in your post' });
  await dialog.waitFor();
  // The safe answer has the focus: Enter does not publish.
  expect(await focusedText(page)).toBe('Go back and edit');
  // Exactly what readers will see: the card masked, the address as written.
  const values = () => dialog.getByTestId('pii-value').allTextContents();
  expect(await values()).toEqual(expect.arrayContaining([ADDRESS, '•••• •••• •••• 1111']));
  expect(await dialog.textContent()).toContain('published as written');

  await dialog.getByLabel('Mask the e-mail address: show only the last four characters').check();
  expect(await values()).toEqual(expect.arrayContaining([MASKED_ADDRESS, '•••• •••• •••• 1111']));
  expect(await values()).not.toContain(ADDRESS);
  await page.screenshot({ path: artifact('pii-dialog.png') });
  await dialog.getByRole('button', { name: 'Mask and post' }).click();

  const post = page.getByTestId('post').filter({ hasText: 'for the order' });
  await post.waitFor();
  expect(await post.textContent()).toContain(`Mail ${MASKED_ADDRESS} or pay with •••• •••• •••• 1111`);
  // Stored masked too: nobody, on any page, can read the address.
  const stored = await agora.stores.forum.listPosts(threadId, 0, 100);
  expect(JSON.stringify(stored)).not.toContain(ADDRESS);
  expect(problems).toEqual([]);
});

test('without a choice to mask, the dialog offers "Post anyway" and the address is published as written', async () => {
  const { page, problems } = await member();
  await page.getByLabel('Your reply').fill(`Reach me at ${ADDRESS} anytime.`);
  await page.getByTestId('reply-pii-warning').waitFor();
  await page.getByRole('button', { name: 'Post reply' }).click();
  const dialog = page.getByRole('dialog', { name: 'Personal data in your post' });
  await dialog.waitFor();
  expect(await dialog.getByTestId('pii-value').allTextContents()).toEqual([ADDRESS]);
  await dialog.getByRole('button', { name: 'Post anyway' }).click();
  await page.getByTestId('post').filter({ hasText: `Reach me at ${ADDRESS} anytime.` }).waitFor();
  expect(problems).toEqual([]);
});

test('sign-up shows every field\'s problem at once, each under its field in plain words', async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${agora.url}/signup`);
  await expectTitle(page, 'Create an account · Agora');
  await page.getByLabel('Username').fill('a!');
  await page.getByLabel('E-mail address').fill(`${uniqueName('su')}@example.com`);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#username-error').waitFor();
  await page.locator('#password-error').waitFor();
  expect(await page.locator('#username-error').textContent()).toBe('Needs 3–32 letters, digits, dots, dashes or underscores.');
  expect(await page.locator('#password-error').textContent()).toBe('Needs at least 10 characters.');
  expect(await page.locator('#email-error').count()).toBe(0);
  for (const label of ['Username', 'Password']) expect(await page.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('.form-error').count()).toBe(0);
});

test('a banned member sees the ban, its end and its reason where they would write, live and after a reload', async () => {
  const { page, id, problems } = await member();
  await page.getByLabel('Your reply').waitFor();
  const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
  expect((await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'insults', until })).status).toBe(200);
  // The ban closes this tab's connection: the page re-reads the account and shows the notice.
  const notice = page.getByTestId('ban-notice');
  await notice.waitFor();
  const end = await page.evaluate((iso) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)), until);
  expect(await notice.textContent()).toContain(`The ban ends on ${end}.`);
  expect(await notice.textContent()).toContain('Reason given by the moderators: insults');
  expect(await page.getByLabel('Your reply').count()).toBe(0);

  await page.reload();
  await page.getByTestId('ban-notice').waitFor();
  expect(await page.getByTestId('ban-notice').textContent()).toContain(end);
  await page.getByRole('link', { name: 'Help' }).click();
  await page.getByTestId('ban-notice').waitFor();
  expect(await page.getByRole('heading', { name: 'Start a thread' }).count()).toBe(0);
  expect(problems).toEqual([]);
});

test('the author of a removed post sees why, live and after a reload; another member sees only the tombstone', async () => {
  const author = await member();
  const other = await member();
  await author.page.getByLabel('Your reply').fill('Buy cheap watches here');
  await author.page.getByRole('button', { name: 'Post reply' }).click();
  const mine = author.page.getByTestId('post').filter({ hasText: 'Buy cheap watches here' });
  await mine.waitFor();
  const postId = (await mine.getAttribute('data-post-id'))!;
  await other.page.getByTestId('post').filter({ hasText: 'Buy cheap watches here' }).waitFor();

  expect((await moderator.post(`/api/posts/${postId}/remove`, { reason: 'spam: advertising' })).status).toBe(200);
  const own = author.page.locator(`[data-post-id="${postId}"]`).getByTestId('own-removal');
  await own.waitFor();
  expect(await own.textContent()).toContain('Removed by a moderator: spam: advertising');
  expect(await own.textContent()).not.toContain(moderator.user!.username);
  const theirs = other.page.locator(`[data-post-id="${postId}"]`);
  await theirs.getByText('This post was removed by a moderator.').waitFor();
  expect(await theirs.textContent()).not.toContain('spam');

  await author.page.reload();
  await author.page.locator(`[data-post-id="${postId}"]`).getByTestId('own-removal').waitFor();
  await author.page.screenshot({ path: artifact('own-removal.png'), fullPage: true });
  expect([...author.problems, ...other.problems]).toEqual([]);
});
