// The core flow with the keyboard alone (sign in, open a thread, reply), every stop on the way
// visibly focused; the skip link; and the personal-data dialog keeping and returning focus.
// Needs `npm run build:client` first.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { launchBrowser, BROWSER_PASSWORD } from '../helpers/browser.js';
import { signedIn, uniqueName } from '../helpers/http.js';
import { createAccount } from '../../server/auth/service.js';

let agora: Running;
let browser: Browser;
let threadId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'keys', title: 'Keyboard forum', description: 'For the keyboard test' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Shortcuts', body: 'Which shortcuts do you use?' })).body.thread.id;
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

interface Focused {
  tag: string;
  text: string;
  label: string;
  id: string;
  /** The focus indicator as drawn: the outline (style and width) or a box shadow. */
  outline: string;
  outlineWidth: number;
  boxShadow: string;
}

/** What has keyboard focus now (this project's tsconfig has no DOM lib). */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    type El = { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null; labels?: ArrayLike<{ textContent: string | null }> };
    const w = globalThis as unknown as { document: { activeElement: El | null; body: El }; getComputedStyle(e: El): { outlineStyle: string; outlineWidth: string; boxShadow: string } };
    const el = w.document.activeElement;
    if (!el || el === w.document.body) return null;
    const style = w.getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80),
      label: el.getAttribute('aria-label') ?? (el.labels?.[0]?.textContent ?? '').trim(),
      id: el.id,
      outline: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth) || 0,
      boxShadow: style.boxShadow,
    };
  });
}

const visiblyFocused = (f: Focused) => (f.outline !== 'none' && f.outlineWidth >= 2) || f.boxShadow !== 'none';
const describe = (f: Focused | null) => (f ? `${f.tag}#${f.id} "${f.label || f.text}"` : 'nothing');

/**
 * Presses Tab until `wanted` has focus, checking that every stop on the way shows its focus.
 * Gives up after `limit` stops (a page has fewer than that before any control it is asked for).
 */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, what: string, limit = 40): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(describe(f));
    if (f && !visiblyFocused(f)) throw new Error(`focus is not visible on ${describe(f)} (outline ${f.outline} ${f.outlineWidth}px, shadow ${f.boxShadow})`);
    if (f && wanted(f)) return;
  }
  throw new Error(`Tab never reached ${what}; stops: ${stops.join(' → ')}`);
}

const link = (text: string) => (f: Focused) => f.tag === 'a' && f.text === text;
const field = (label: string) => (f: Focused) => f.label === label;
const button = (text: string) => (f: Focused) => f.tag === 'button' && f.text === text;

test('a member signs in, opens a thread and posts a reply with the keyboard alone, every stop visibly focused', async () => {
  const username = uniqueName('key');
  await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password: BROWSER_PASSWORD });
  const page = await newPage();
  await page.goto(`${agora.url}/`);
  await page.getByRole('heading', { name: 'Forums', level: 1 }).waitFor();

  await tabTo(page, link('Sign in'), 'the Sign in link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Sign in', level: 1 }).waitFor();
  await tabTo(page, field('Username'), 'the username field');
  await page.keyboard.type(username);
  await tabTo(page, field('Password'), 'the password field');
  await page.keyboard.type(BROWSER_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByTestId('whoami').waitFor();

  await page.getByRole('link', { name: 'Keyboard forum' }).waitFor();
  await tabTo(page, link('Keyboard forum'), 'the forum');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Shortcuts' }).waitFor();
  await tabTo(page, link('Shortcuts'), 'the thread');
  await page.keyboard.press('Enter');
  await page.getByText('Live', { exact: true }).waitFor();

  await tabTo(page, field('Your reply'), 'the reply box');
  await page.keyboard.type('Ctrl+Enter to send would be nice.');
  await tabTo(page, button('Post reply'), 'the Post reply button');
  await page.keyboard.press('Enter');
  await page.getByTestId('post').filter({ hasText: 'Ctrl+Enter to send would be nice.' }).waitFor();
  const posts = await agora.stores.forum.listPosts(threadId, 0, 100);
  expect(posts.some((p) => p.source?.includes('Ctrl+Enter to send'))).toBe(true);
});

test('the skip link is the first stop, shows itself and takes focus to the page content', async () => {
  const page = await newPage();
  await page.goto(`${agora.url}/t/${threadId}`);
  await page.getByText('Live', { exact: true }).waitFor();
  await page.keyboard.press('Tab');
  const first = await focused(page);
  expect(first?.text).toBe('Skip to content');
  const box = await page.getByRole('link', { name: 'Skip to content' }).boundingBox();
  expect(box && box.x >= 0 && box.y >= 0).toBe(true);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'content');
  expect(new URL(page.url()).pathname).toBe(`/t/${threadId}`);
  // The next stop is inside the content, past the header's links.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
    return !!d.activeElement?.closest('#content');
  })).toBe(true);
});

test('following a link moves focus to the new page, as a full page load would, so screen readers announce it', async () => {
  const page = await newPage();
  await page.goto(`${agora.url}/`);
  await page.getByRole('link', { name: 'Keyboard forum' }).click();
  await page.getByRole('link', { name: 'Shortcuts' }).waitFor();
  await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'content');
  // The next Tab stop is on the new page, not back in the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => {
    const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
    return !!d.activeElement?.closest('#content');
  })).toBe(true);
});

/**
 * Signs a new member in on the thread, writes a reply with an e-mail address and presses Enter on
 * Post reply; answers the page with the personal-data dialog open.
 */
async function openPiiDialog(page: Page, detector: 'loaded' | 'held'): Promise<void> {
  const username = uniqueName('dlg');
  await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password: BROWSER_PASSWORD });
  await page.goto(`${agora.url}/signin?next=/t/${threadId}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(BROWSER_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByLabel('Your reply').fill('Mail me at someone@example.org please');
  // The page's own detector marks the address as it is typed, and opens the dialog itself.
  if (detector === 'loaded') await page.getByTestId('reply-pii-warning').waitFor();
  await page.getByLabel('Your reply').focus();
  await tabTo(page, button('Post reply'), 'the Post reply button');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
}

/** Escape closes the dialog and hands focus back to Post reply, the draft untouched. */
async function escapeReturnsFocus(page: Page): Promise<void> {
  const dialog = page.locator('dialog[open]');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect((await focused(page))?.text).toBe('Post reply');
  // Nothing was posted, and the draft is still there to edit.
  expect(await page.getByLabel('Your reply').inputValue()).toBe('Mail me at someone@example.org please');
}

const inDialog = (page: Page) => page.evaluate(() => {
  const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
  return !!d.activeElement?.closest('dialog[open]');
});

test('the personal-data dialog keeps focus inside while open, and Escape returns it to the button that opened it', async () => {
  const page = await newPage();
  await openPiiDialog(page, 'loaded');
  expect(await inDialog(page)).toBe(true);
  // Round the dialog's controls twice, forwards and back: focus never lands in the page behind.
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    const f = await focused(page);
    expect([key, await inDialog(page)]).toEqual([key, true]);
    expect(f && visiblyFocused(f)).toBe(true);
  }
  await escapeReturnsFocus(page);
});

test('when the server opens the dialog (the detector not loaded yet), Post reply keeps focus and gets it back on Escape', async () => {
  const page = await newPage();
  // Hold the detector's chunk: the reply goes out unchecked, and the server's 422 opens the dialog.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/pii-[^/]+\.js$/, async (route) => {
    await held;
    await route.continue().catch(() => {}); // the page may be gone by then
  });
  const refused = page.waitForResponse((r) => r.url().endsWith(`/api/threads/${threadId}/posts`) && r.status() === 422);
  await openPiiDialog(page, 'held');
  await refused;
  expect(await page.getByTestId('reply-pii-warning').count()).toBe(0); // the page had not checked it
  expect(await inDialog(page)).toBe(true);
  await escapeReturnsFocus(page);
  release();
});
