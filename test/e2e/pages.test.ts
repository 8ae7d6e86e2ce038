// Pages say where you are: an unknown address is a "Page not found" page answered 404 (an unknown
// or removed thread too, never "Reconnecting…" forever), every tab has its own title, and the
// breadcrumbs name the forum.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { expectTitle, launchBrowser, signedInPage } from '../helpers/browser.js';
import { signedIn, type Client } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
let moderator: Client;
let forumId: string;
let threadId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  forumId = (await admin.post('/api/forums', { slug: 'billing', title: 'Billing help' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Payments question', body: 'How do I pay?' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

/** A visitor's page, collecting page errors (404 resource loads are expected here). */
async function visitor(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

async function expectNotFound(page: Page, path: string) {
  const res = await page.goto(`${agora.url}${path}`);
  expect([path, res?.status()]).toEqual([path, 404]);
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await expectTitle(page, 'Page not found · Agora');
}

test('an unknown address answers 404 with a "Page not found" page that leads home', async () => {
  const { page, problems } = await visitor();
  for (const path of ['/no/such/page', '/u/nobody']) await expectNotFound(page, path);
  await page.getByRole('link', { name: 'Go to the forums' }).click();
  await page.getByRole('heading', { level: 1, name: 'Forums' }).waitFor();
  await expectTitle(page, 'Forums · Agora');
  expect(problems).toEqual([]);
});

test('an unknown thread answers 404 and shows "Page not found", never "Reconnecting…"', async () => {
  const { page, problems } = await visitor();
  await expectNotFound(page, '/t/nosuchthread000');
  expect(await page.getByTestId('not-found').textContent()).toContain('There is no such thread here.');
  expect(await page.getByText('Reconnecting…').count()).toBe(0);
  // The live connection answered not_found too, and the page still says the same.
  await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'Page not found · Agora');
  expect(await page.getByText('Reconnecting…').count()).toBe(0);
  // Even when the thread cannot be read over HTTP, the live connection's not_found is not taken
  // for a connection problem.
  await page.route('**/api/threads/**', (route) => route.abort());
  await expectNotFound(page, '/t/nosuchthread001');
  expect(await page.getByText('Reconnecting…').count()).toBe(0);
  await page.unroute('**/api/threads/**');
  await expectNotFound(page, '/f/nosuchforum0000');
  expect(await page.getByTestId('not-found').textContent()).toContain('There is no such forum here.');
  expect(problems).toEqual([]);
});

test('a removed thread is "Page not found" (404) to a member, and shown to a moderator', async () => {
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const removed = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Soon removed', body: 'spam spam' })).body.thread.id as string;
  expect((await moderator.post(`/api/threads/${removed}/remove`, { reason: 'spam' })).status).toBe(200);
  const member = await signedInPage(browser, agora);
  contexts.push(member.context);
  await expectNotFound(member.page, `/t/${removed}`);
  expect(await member.page.getByText('Soon removed').count()).toBe(0);

  const mod = await signedInPage(browser, agora, 'moderator');
  contexts.push(mod.context);
  const res = await mod.page.goto(`${agora.url}/t/${removed}`);
  expect(res?.status()).toBe(200);
  await mod.page.getByRole('heading', { level: 1, name: 'Soon removed' }).waitFor();
  expect([...member.problems, ...mod.problems]).toEqual([]);
});

test('each page names its tab, and the breadcrumbs name the forum', async () => {
  const { page, problems } = await visitor();
  const res = await page.goto(`${agora.url}/t/${threadId}`);
  expect(res?.status()).toBe(200);
  const crumbs = page.getByTestId('crumbs');
  await crumbs.getByRole('link', { name: 'Billing help' }).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'Payments question · Billing help · Agora');

  // In-page navigation renames the tab as it goes.
  await crumbs.getByRole('link', { name: 'Billing help' }).click();
  await page.getByRole('heading', { level: 1, name: 'Billing help' }).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as { document: { title: string } }).document.title === 'Billing help · Agora');
  for (const [link, title] of [['Sign in', 'Sign in · Agora'], ['Sign up', 'Create an account · Agora'], ['Testimonials', 'Testimonials · Agora'], ['Forums', 'Forums · Agora']]) {
    await page.getByRole('link', { name: link, exact: true }).first().click();
    await page.waitForFunction((t) => (globalThis as unknown as { document: { title: string } }).document.title === t, title);
  }
  await page.goto(`${agora.url}/f/${forumId}`);
  await page.getByRole('heading', { level: 1, name: 'Billing help' }).waitFor();
  await expectTitle(page, 'Billing help · Agora');
  expect(problems).toEqual([]);
});
