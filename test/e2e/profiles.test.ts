// Profiles in the browser: a member writes a bio on their account page (personal data confirmed
// first), and another visitor follows the author link of a post to the member's page: avatar drawn
// from the name, bio as published (masked), the member's posts. An unknown member is "Page not found".
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, expectTitle, launchBrowser } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

const PASSWORD = 'a fine long password';
const CARD = '4111 1111 1111 1111';

let agora: Running;
let browser: Browser;
let member: Client;
let threadId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } }); // a member with more than a page of posts
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  member = await signedIn(agora.url, agora.stores.users, 'member');
  const forumId = (await admin.post('/api/forums', { slug: 'knitting', title: 'Knitting' })).body.forum.id;
  threadId = (await member.post(`/api/forums/${forumId}/threads`, { title: 'My first scarf', body: 'Garter stitch, **twelve** rows.' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function newPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return { page, problems };
}

test('a member writes a bio; a visitor follows the author link to the profile and sees the avatar, the bio and the posts', async () => {
  const name = member.user!.username;
  const { page, problems } = await newPage();
  await page.goto(`${agora.url}/signin`);
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
  await page.goto(`${agora.url}/account`);
  await page.getByLabel('Bio').fill(`I knit scarves. Tips welcome: ${CARD}`);
  await page.getByRole('button', { name: 'Save bio' }).click();
  // The card number is found first: the member sees what it is and confirms it is published masked.
  const confirm = page.getByTestId('pii-confirm');
  await confirm.waitFor();
  // By keyboard: the panel goes once saved, and the focus goes on to the form's Save bio.
  await confirm.getByRole('button', { name: 'Save it as described' }).press('Enter');
  await page.getByTestId('bio-outcome').getByText('Your bio is saved').waitFor();
  await confirm.waitFor({ state: 'detached' });
  await expectFocus(page, 'button[type="submit"]', 'Save bio');
  expect(await page.getByLabel('Bio').inputValue()).not.toContain(CARD);
  expect(problems).toEqual([]);

  const { page: visitor, problems: seen } = await newPage();
  await visitor.goto(`${agora.url}/t/${threadId}`);
  await visitor.getByTestId('post-author').first().click();
  await visitor.getByRole('heading', { level: 1, name }).waitFor();
  expect(new URL(visitor.url()).pathname).toBe(`/u/${name}`);
  await expectTitle(visitor, `${name} · Agora`);
  const avatar = visitor.getByTestId('avatar');
  expect(await avatar.textContent()).toBe(name.slice(0, 2).toUpperCase());
  expect(await avatar.locator('img, image').count()).toBe(0); // drawn, never fetched
  const bio = await visitor.getByTestId('profile-bio').textContent();
  expect(bio).toContain('I knit scarves.');
  expect(bio).toContain('1111');
  expect(bio).not.toContain(CARD);
  expect(await visitor.getByTestId('profile-post-count').textContent()).toBe('1 post');
  const post = visitor.getByTestId('profile-post');
  expect(await post.count()).toBe(1);
  expect(await post.locator('.post-body strong').textContent()).toBe('twelve');
  await visitor.screenshot({ path: artifact('profile-page.png'), fullPage: true });
  // The post leads back to its thread.
  await post.getByRole('link', { name: /^Posted/ }).click();
  await visitor.getByRole('heading', { level: 1, name: 'My first scarf' }).waitFor();
  expect(seen).toEqual([]);
});

test('an unknown member\'s page answers 404 and shows "Page not found"', async () => {
  const { page, problems } = await newPage();
  const res = await page.goto(`${agora.url}/u/x`);
  expect(res?.status()).toBe(404);
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  expect(await page.getByTestId('not-found').textContent()).toContain('There is no such member here.');
  expect(problems).toEqual([]);
});

test('"Show older posts", pressed with the keyboard, adds the next page and moves the focus to the first post it brought', async () => {
  const prolific = await signedIn(agora.url, agora.stores.users, 'member');
  // One more than a page (20), the oldest written first.
  for (let i = 1; i <= 21; i++) expect((await prolific.post(`/api/threads/${threadId}/posts`, { body: `Scarf number ${i}` })).status).toBe(201);
  const { page, problems } = await newPage();
  await page.goto(`${agora.url}/u/${prolific.user!.username}`);
  const posts = page.getByTestId('profile-post');
  await posts.nth(19).waitFor();
  expect(await posts.count()).toBe(20);
  await page.getByRole('button', { name: 'Show older posts' }).press('Enter');
  await posts.nth(20).waitFor();
  expect((await posts.nth(20).locator('.post-body').textContent())?.trim()).toBe('Scarf number 1');
  // The button is gone with the last page; the focus is on the first older post, not the page.
  await page.getByRole('button', { name: 'Show older posts' }).waitFor({ state: 'detached' });
  await expectFocus(page, '[data-testid="profile-posts"] > li:nth-child(21)');
  expect(problems).toEqual([]);
});
