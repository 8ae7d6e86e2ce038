// Search in the browser (issue 18, item 4): the header's box and its `/` key, the results page with
// highlighted words and its filters, a result opening its thread at the post, "Load more", what the
// page says when the server refuses, and the removed-posts choice only moderators get. A snippet is
// rendered from text, never as HTML: a post that is an injection attempt shows as the words it is.
// Needs `npm run build:client` first.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { artifact, expectFocus, expectTitle, holdRequests, launchBrowser, signedInPage } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { signedIn, type Client } from '../helpers/http.js';

const INJECTION = '<img src=x onerror=window.__pwned=1>';
/** How many posts hold "woolly": more than one page of 20 results. */
const WOOLLY = 24;

let agora: Running;
let browser: Browser;
const contexts: BrowserContext[] = [];
const at = { knitting: '', cooking: '', scarfThread: '', alpacaPost: '', removedPost: '', bob: '' };

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000', SEARCH_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const alice = await signedIn(agora.url, agora.stores.users, 'member');
  const bob = await signedIn(agora.url, agora.stores.users, 'member');
  at.bob = bob.user!.username;
  at.knitting = (await admin.post('/api/forums', { slug: 'knitting', title: 'Knitting' })).body.forum.id;
  at.cooking = (await admin.post('/api/forums', { slug: 'cooking', title: 'Cooking' })).body.forum.id;
  const thread = async (by: Client, forum: string, title: string, body: string) => {
    const res = await by.post(`/api/forums/${forum}/threads`, { title, body });
    expect(res.status).toBe(201);
    return res.body.thread.id as string;
  };
  const reply = async (by: Client, body: string) => {
    const res = await by.post(`/api/threads/${at.scarfThread}/posts`, { body });
    expect(res.status).toBe(201);
    return res.body.post.id as string;
  };
  at.scarfThread = await thread(alice, at.knitting, 'Scarf patterns', 'My first scarf, in garter stitch.');
  // Long posts, so the last one is far below the top of the thread.
  for (let i = 1; i <= WOOLLY; i++) await reply(alice, `Row ${i}: a woolly stitch.\n\n${'More about the yarn and the needles. '.repeat(12)}`);
  at.alpacaPost = await reply(bob, 'The alpaca scarf kept me warm all winter.');
  // Written as code, so it is published as text: the search must show it as text too.
  await reply(bob, `Never write \`${INJECTION}\` in a scarf pattern.`);
  at.removedPost = await reply(bob, 'A scarf advert for a crowbar shop.');
  expect((await admin.post(`/api/posts/${at.removedPost}/remove`, { reason: 'spam' })).status).toBe(200);
  await thread(bob, at.cooking, 'Pasta shapes', 'Scarf-shaped pasta, boiled for nine minutes.');
  // Findable within a second of its 201 (API.md, Search): wait for the last one before any browser asks.
  await eventually(async () => {
    const res = await request(agora.url).get('/api/search?q=pasta');
    expect(res.body.items).toHaveLength(1);
  }, { what: 'the last post is findable' });
}, 60_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function member(role: 'member' | 'moderator' = 'member') {
  const signed = await signedInPage(browser, agora, role);
  contexts.push(signed.context);
  return signed;
}

// In the page (this project's tsconfig has no DOM lib): the focused element's id, and which result holds it.
type InPage = { document: { activeElement: { id: string; closest(s: string): { getAttribute(n: string): string | null } | null } | null } };
const focusedId = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id);
const focusedResult = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.closest('[data-result-index]')?.getAttribute('data-result-index'));
const results = (page: Page) => page.getByTestId('search-result');
const count = (page: Page) => page.getByTestId('search-count');
const headerBox = (page: Page) => page.getByRole('search', { name: 'Site' }).getByLabel('Search posts');

test('a member searches from the header: results come with the matched words marked, and a post holding markup shows it as text', async () => {
  const { page, problems } = await member();
  await page.goto(`${agora.url}/f/${at.knitting}`);
  await headerBox(page).fill('scarf');
  await headerBox(page).press('Enter');
  await count(page).filter({ hasText: '4 posts match “scarf”.' }).waitFor();
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/search?q=scarf');
  await expectTitle(page, 'scarf · Search · Agora');
  // The page's own box holds the words; the header's gives way to it.
  expect(await page.getByLabel('Search for').inputValue()).toBe('scarf');
  expect(await page.getByRole('search', { name: 'Site' }).count()).toBe(0);
  // Every result marks its matched word; the removed advert is not among them.
  expect(await results(page).count()).toBe(4);
  for (const r of await results(page).all()) expect((await r.locator('mark').first().textContent())?.toLowerCase()).toBe('scarf');
  expect(await page.getByText('crowbar').count()).toBe(0);
  const alpaca = results(page).filter({ hasText: 'alpaca' });
  expect(await alpaca.getByRole('heading', { level: 2 }).textContent()).toBe('Scarf patterns');
  expect(await alpaca.getByTestId('result-author').getAttribute('href')).toBe(`/u/${at.bob}`);
  expect(await alpaca.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  // The injection attempt: its words as text, no element made from them, nothing ran.
  const injected = results(page).filter({ hasText: 'Never write' }).getByTestId('snippet');
  expect(await injected.textContent()).toBe(`Never write ${INJECTION} in a scarf pattern.`);
  expect(await injected.locator('img').count()).toBe(0);
  expect(await injected.locator('mark').allTextContents()).toEqual(['scarf']);
  expect(await page.locator('#content img').count()).toBe(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await page.screenshot({ path: artifact('search-results.png'), fullPage: true });
  expect(problems).toEqual([]);
});

test('the / key focuses the search box, but types a slash in a text field', async () => {
  const { page } = await member();
  await page.goto(`${agora.url}/t/${at.scarfThread}`);
  await page.getByTestId('post').first().waitFor();
  await page.keyboard.press('/');
  expect(await focusedId(page)).toBe('site-search-q');
  expect(await headerBox(page).inputValue()).toBe(''); // the key only moved the focus
  const replyBox = page.getByLabel('Your reply');
  await replyBox.click();
  await page.keyboard.type('a/b');
  expect(await replyBox.inputValue()).toBe('a/b');
  expect(await focusedId(page)).not.toBe('site-search-q');
  // On the results page the key reaches the page's own box.
  await page.goto(`${agora.url}/search?q=pasta`);
  await count(page).filter({ hasText: '1 post matches' }).waitFor();
  await page.locator('h1').click();
  await page.keyboard.press('/');
  expect(await focusedId(page)).toBe('search-q');
});

test('the forum and author filters narrow the results, and the address keeps them', async () => {
  const { page, problems } = await member();
  await page.goto(`${agora.url}/search?q=scarf`);
  await count(page).filter({ hasText: '4 posts match' }).waitFor();
  await page.getByLabel('Forum').selectOption({ label: 'Cooking' });
  await count(page).filter({ hasText: '1 post matches “scarf”.' }).waitFor();
  expect(await results(page).allTextContents()).toEqual([expect.stringContaining('Scarf-shaped pasta')]);
  expect(new URL(page.url()).searchParams.get('forumId')).toBe(at.cooking);

  await page.getByLabel('Forum').selectOption({ label: 'All forums' });
  await count(page).filter({ hasText: '4 posts match' }).waitFor();
  // The author's name is searched once typing pauses.
  await page.getByLabel('Written by').fill(at.bob);
  await count(page).filter({ hasText: '3 posts match “scarf”.' }).waitFor();
  for (const a of await page.getByTestId('result-author').allTextContents()) expect(a).toBe(at.bob);
  expect(new URL(page.url()).searchParams.get('author')).toBe(at.bob);
  // A fresh load of that address gives the same narrowed search.
  await page.reload();
  await count(page).filter({ hasText: '3 posts match' }).waitFor();
  expect(await page.getByLabel('Written by').inputValue()).toBe(at.bob);
  expect(problems).toEqual([]);
});

test('a result opens its thread scrolled to the post, which is focused and marked', async () => {
  const { page, problems } = await member();
  await page.goto(`${agora.url}/search?q=alpaca`);
  await count(page).filter({ hasText: '1 post matches' }).waitFor();
  await results(page).getByRole('link', { name: 'Scarf patterns' }).click();
  const target = page.locator(`#post-${at.alpacaPost}`);
  await target.waitFor();
  expect(new URL(page.url()).hash).toBe(`#post-${at.alpacaPost}`);
  await eventually(async () => expect(await focusedId(page)).toBe(`post-${at.alpacaPost}`), { what: 'the post takes the focus' });
  expect(await target.getAttribute('class')).toContain('linked');
  // Far down the thread, yet on screen.
  expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBeGreaterThan(0);
  const box = (await target.boundingBox())!;
  const viewport = page.viewportSize()!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeLessThan(viewport.height);
  expect(problems).toEqual([]);
});

test('"Load more", pressed with the keyboard, keeps the focus while it loads, adds the next page and moves the focus to the first new one', async () => {
  const { page, problems } = await member();
  await page.goto(`${agora.url}/search?q=woolly`);
  await count(page).filter({ hasText: '20 posts shown for “woolly”; more can be loaded.' }).waitFor();
  const loading = await holdRequests(page, `${agora.url}/api/search?*`);
  await page.getByRole('button', { name: 'Load more results' }).press('Enter');
  await loading.held;
  await expectFocus(page, 'button[aria-disabled="true"]', 'Loading…');
  await loading.release();
  await count(page).filter({ hasText: `${WOOLLY} posts match “woolly”.` }).waitFor();
  expect(await results(page).count()).toBe(WOOLLY);
  expect(new Set(await results(page).locator('.result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).size).toBe(WOOLLY);
  expect(await page.getByRole('button', { name: 'Load more results' }).count()).toBe(0);
  expect(await focusedResult(page)).toBe('20');
  expect(problems).toEqual([]);
});

test('only moderators see the removed-posts choice, and it finds what was removed', async () => {
  const { page: mod } = await member('moderator');
  await mod.goto(`${agora.url}/search?q=crowbar`);
  await count(mod).filter({ hasText: 'No posts match “crowbar”.' }).waitFor();
  await mod.getByLabel('Search removed posts').check();
  await count(mod).filter({ hasText: '1 post matches “crowbar”.' }).waitFor();
  expect(await results(mod).first().textContent()).toContain('removed');
  expect(new URL(mod.url()).searchParams.get('status')).toBe('removed');

  const { page, problems } = await member();
  await page.goto(`${agora.url}/search?q=crowbar&status=removed`);
  await count(page).filter({ hasText: 'No posts match “crowbar”.' }).waitFor();
  expect(await page.getByLabel('Search removed posts').count()).toBe(0);
  expect(await page.getByTestId('search-problem').count()).toBe(0); // asked for visible posts, not refused
  expect(problems).toEqual([]);
});

test('a query that only leaves words out is explained under the box', async () => {
  const { page } = await member();
  await page.goto(`${agora.url}/search?q=scarf`);
  await count(page).filter({ hasText: '4 posts match' }).waitFor();
  await page.getByLabel('Search for').fill('-woolly');
  await page.getByLabel('Search for').press('Enter');
  const error = page.getByTestId('search-query-error');
  await error.waitFor();
  expect(await error.textContent()).toContain('at least one word');
  expect(await page.getByLabel('Search for').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('Search for').getAttribute('aria-describedby')).toContain('search-q-error');
});

test('a rate-limited search says when to try again, and so does a search that is still starting', async () => {
  const limited = await startAgora({ env: { SEARCH_RATE_PER_MINUTE: '1' } });
  try {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${limited.url}/search?q=anything`);
    await count(page).filter({ hasText: 'No posts match' }).waitFor();
    await page.reload();
    const problem = page.getByTestId('search-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/Too many searches in a short time\. Try again in \d+ seconds?\./);
    expect(await problem.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    // The index still loading: startAgora waits for it, so the server's 503 is played here.
    await page.route('**/api/search?*', (route) => route.fulfill({
      status: 503, headers: { 'Retry-After': '5' }, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'Search is still loading its index; please try again in a few seconds.' } }),
    }));
    await problem.getByRole('button', { name: 'Try again' }).click();
    await problem.filter({ hasText: 'Search is starting… Try again in 5 seconds.' }).waitFor();
  } finally {
    await limited.close();
  }
});
