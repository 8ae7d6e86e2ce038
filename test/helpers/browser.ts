import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Route } from 'playwright-core';
import { createAccount } from '../../server/auth/service.js';
import type { Role, UserStore } from '../../server/store/users.js';
import { Client, uniqueName } from './http.js';

export const ARTIFACTS = path.resolve(__dirname, '../artifacts');

/** Debian's Chromium, headless, with the flags this machine's closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
}

export const artifact = (name: string) => path.join(ARTIFACTS, name);

export interface SignedInPage { page: Page; context: BrowserContext; username: string; id: string; problems: string[] }

export const BROWSER_PASSWORD = 'a long enough password';

/** A new page whose errors, and console errors other than the expected 4xx resource loads, land in `problems`. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`console: ${m.text()}`));
  return { page, problems };
}

type Site = { url: string; stores: { users: UserStore } };

/** A fresh account of the given role, made in the store as user:create does, and a browser context for it. */
async function newAccount(browser: Browser, agora: Site, role: Role) {
  const username = uniqueName(role.slice(0, 3));
  const user = await createAccount(agora.stores.users, { username, email: `${username}@example.com`, password: BROWSER_PASSWORD, role });
  return { username, user, context: await browser.newContext({ acceptDownloads: true }) };
}

/**
 * A fresh account of the given role (made in the store, as user:create does), signed in through
 * the sign-in page in a browser context of its own. `problems` collects page errors and console
 * errors other than the expected 4xx resource loads.
 */
export async function signInThroughPage(browser: Browser, agora: Site, role: Role = 'member'): Promise<SignedInPage> {
  const { username, user, context } = await newAccount(browser, agora, role);
  const { page, problems } = await watchedPage(context);
  await page.goto(`${agora.url}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(BROWSER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('whoami').waitFor();
  return { page, context, username, id: user.id, problems };
}

/**
 * A fresh account of the given role, signed in over the API (as the sign-in page does) with the
 * session cookie handed to a browser context of its own, and a blank page: for tests about what
 * comes after signing in, which open their first page themselves. The sign-in page itself is
 * exercised by signInThroughPage and test/e2e/auth.test.ts.
 */
export async function signedInPage(browser: Browser, agora: Site, role: Role = 'member'): Promise<SignedInPage> {
  const { username, user, context } = await newAccount(browser, agora, role);
  const client = new Client(agora.url);
  const res = await client.login(username, BROWSER_PASSWORD);
  if (res.status !== 200) throw new Error(`signing in ${username} answered ${res.status}`);
  await context.addCookies(client.cookieHeader().split('; ').map((pair) => {
    const i = pair.indexOf('=');
    return { name: pair.slice(0, i), value: pair.slice(i + 1), url: agora.url };
  }));
  const { page, problems } = await watchedPage(context);
  return { page, context, username, id: user.id, problems };
}

/**
 * Presses Enter on the control `locator` names and resolves with the text of what has the
 * keyboard's focus once `done` has resolved: a control that stays on the page must keep it.
 */
export async function pressAndKeepFocus(page: Page, locator: ReturnType<Page['locator']>, done: () => Promise<unknown>): Promise<string | null> {
  await locator.focus();
  await page.keyboard.press('Enter');
  await done();
  return focusedText(page);
}

/** The trimmed text of what has the keyboard's focus (this project's tsconfig has no DOM lib). */
export function focusedText(page: Page): Promise<string | null> {
  return page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim() ?? null);
}

/**
 * Waits, within `timeoutMs`, for the tab's title to read `expected`, and fails with the title it
 * read. A page names its tab in an effect after it renders, so the title can lag the heading by a
 * frame: asserting it the moment the heading appears raced (it failed CI once).
 */
export async function expectTitle(page: Page, expected: string, timeoutMs = 10_000): Promise<void> {
  const reached = await page
    .waitForFunction((want) => (globalThis as unknown as { document: { title: string } }).document.title === want, expected, { timeout: timeoutMs })
    .then(() => true, () => false);
  if (!reached) throw new Error(`the tab's title stayed ${JSON.stringify(await page.title())}, not ${JSON.stringify(expected)}`);
}

/** What has the keyboard's focus, for a failure message: tag, id, test id and the start of its text. */
function focusDescription(page: Page): Promise<string> {
  return page.evaluate(() => {
    type El = { tagName: string; id: string; textContent: string | null; getAttribute(n: string): string | null };
    const d = (globalThis as unknown as { document: { activeElement: El | null; body: El } }).document;
    const el = d.activeElement;
    if (!el || el === d.body) return 'nothing (the page)';
    const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('data-testid') ? `[data-testid=${el.getAttribute('data-testid')}]` : ''} "${text}"`;
  });
}

/**
 * Waits, within `timeoutMs`, for the keyboard's focus to be on an element matching the CSS
 * `selector` (and reading `text`, when given), and fails naming what has it instead. A page hands
 * focus on in an effect, a frame after the change that removed the control that had it.
 */
export async function expectFocus(page: Page, selector: string, text?: string, timeoutMs = 10_000): Promise<void> {
  const reached = await page.waitForFunction(({ selector, text }) => {
    const el = (globalThis as unknown as { document: { activeElement: { matches(s: string): boolean; textContent: string | null } | null } }).document.activeElement;
    return !!el && el.matches(selector) && (text === undefined || el.textContent?.trim() === text);
  }, { selector, text }, { timeout: timeoutMs }).then(() => true, () => false);
  if (!reached) throw new Error(`the keyboard's focus is on ${await focusDescription(page)}, not on ${selector}${text === undefined ? '' : ` "${text}"`}`);
}

/**
 * Whether what has the keyboard's focus sits in a live region: a screen reader would read it as it
 * takes the focus, and once more as the region's news.
 */
export function focusInLiveRegion(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    type El = { closest(s: string): unknown };
    const el = (globalThis as unknown as { document: { activeElement: El | null } }).document.activeElement;
    return !!el?.closest('[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])');
  });
}

/**
 * Holds the page's `method` requests to `url` (as page.route matches it) until `release`, for what
 * the page shows while it waits: `held` resolves once one is held. `release('abort')` cuts them, as a
 * lost connection would, instead of letting them through.
 */
export async function holdRequests(page: Page, url: string, method = 'GET') {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => { arrived = resolve; });
  let letGo!: (how: 'continue' | 'abort') => void;
  const released = new Promise<'continue' | 'abort'>((resolve) => { letGo = resolve; });
  const handled: Promise<void>[] = [];
  const handler = (route: Route) => {
    if (route.request().method() !== method) return route.fallback();
    arrived();
    const done = released.then((how) => (how === 'abort' ? route.abort('internetdisconnected') : route.continue()));
    handled.push(done);
    return done;
  };
  await page.route(url, handler);
  return {
    held,
    /** Lets the held requests go (or cuts them), and stops holding new ones once they are on their way. */
    release: async (how: 'continue' | 'abort' = 'continue') => {
      letGo(how);
      await Promise.all(handled);
      await page.unroute(url, handler);
    },
  };
}
