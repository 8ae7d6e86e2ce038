// What an anonymous visitor's browser downloads and asks on a first visit, against the production
// build of the web app (npm test builds it before jest).
import type { Browser, Page, Response } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { launchBrowser } from '../helpers/browser.js';
import { signedIn } from '../helpers/http.js';
import { settle, trackRequests } from '../helpers/page-settle.js';
import { pageOf, type PageName } from '../../shared/pages.js';

const SCRIPT_BUDGET = 60 * 1024;

let agora: Running;
let browser: Browser;
let forumId: string;
let threadId: string;
let adminName: string;

beforeAll(async () => {
  agora = await startAgora();
  browser = await launchBrowser();
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  adminName = admin.user!.username;
  forumId = (await admin.post('/api/forums', { slug: 'first-load', title: 'First load' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Welcome', body: 'Say hello.' })).body.thread.id;
});
afterAll(async () => {
  await browser?.close();
  await agora?.close();
});

interface Seen { url: string; status: number; type: string; encoding: string | undefined; bytes: number }

/** Every response the page gets, with the bytes of its body as they came over the wire. */
function recordResponses(page: Page): Promise<Seen>[] {
  const seen: Promise<Seen>[] = [];
  page.on('response', (res: Response) => {
    seen.push((async () => {
      // Finished first: sizes() of a response still arriving is not its whole body.
      await res.finished().catch(() => null);
      const sizes = await res.request().sizes().catch(() => ({ responseBodySize: 0 }));
      const headers = await res.allHeaders();
      return { url: res.url(), status: res.status(), type: res.request().resourceType(), encoding: headers['content-encoding'], bytes: sizes.responseBodySize };
    })());
  });
  return seen;
}

async function visitAnonymously(paths: string[]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  trackRequests(page);
  const seen = recordResponses(page);
  for (const p of paths) {
    await page.goto(`${agora.url}${p}`);
    await page.locator('#content h1, #content h2').first().waitFor();
    await settle(page);
  }
  await context.close();
  return { responses: await Promise.all(seen), problems };
}

test('an anonymous first visit to the forum list downloads under 60 KB of compressed script', async () => {
  const { responses } = await visitAnonymously(['/']);
  const scripts = responses.filter((r) => r.type === 'script');
  expect(scripts.length).toBeGreaterThan(0);
  for (const s of scripts) expect(s.encoding).toBe('br');
  const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThan(SCRIPT_BUDGET);
  // The personal-data detector is only for writing: readers never download it.
  expect(scripts.map((s) => s.url).join('\n')).not.toMatch(/\/assets\/pii-/);
});

test('an anonymous visitor reading a forum and a thread gets no 401 and no console error', async () => {
  const { responses, problems } = await visitAnonymously(['/', `/f/${forumId}`, `/t/${threadId}`]);
  const apiCalls = responses.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
  expect(apiCalls.length).toBeGreaterThan(0);
  expect(responses.filter((r) => r.status === 401).map((r) => r.url)).toEqual([]);
  expect(problems).toEqual([]);
  expect(responses.map((r) => r.url).join('\n')).not.toMatch(/\/assets\/pii-/);
});

/** A path of each page of shared/pages.ts (typed by the list, so a new page must be added here). */
const everyPage = (): Record<PageName, string> => ({
  forums: '/', forum: `/f/${forumId}`, thread: `/t/${threadId}`, signin: '/signin', signup: '/signup',
  forgotPassword: '/forgot-password', resetPassword: '/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  verifyEmail: '/verify/AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', moderation: '/mod', admin: '/admin',
  account: '/account', testimonials: '/testimonials', invite: '/invite', landing: '/r/AAAAAAAAAAAA',
  optOut: '/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', profile: `/u/${adminName}`, search: '/search?q=hello',
  notifications: '/notifications',
});

test('an anonymous visitor gets no 401 on any page of the web app', async () => {
  const pages = everyPage();
  for (const [name, p] of Object.entries(pages)) expect([name, pageOf(p.split('?')[0]!)?.name]).toEqual([name, name]);
  const { responses } = await visitAnonymously(Object.values(pages));
  expect(responses.filter((r) => new URL(r.url).pathname.startsWith('/api/')).length).toBeGreaterThan(0);
  expect(responses.filter((r) => r.status === 401).map((r) => r.url)).toEqual([]);
}, 120_000);
