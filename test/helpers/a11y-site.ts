// The site the accessibility runs look at (test/e2e/accessibility-*.test.ts): one Agora with a
// forum, threads, held, flagged and removed posts, a ban, mentions and testimonials, and a signed-in
// page per role. Needs `npm run build:client` first.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from './agora.js';
import { BROWSER_PASSWORD, launchBrowser, signedInPage } from './browser.js';
import { eventually } from './eventually.js';
import { Client, signedIn } from './http.js';

export let agora: Running;
let browser: Browser;
const contexts: BrowserContext[] = [];
export const pages: Record<'anonymous' | 'member' | 'banned' | 'moderator' | 'admin', Page> = {} as never;
export const at = { forum: '', thread: '', older: '', mentions: '', referralCode: '', memberName: '', bannedId: '' };
// Another member, who writes what the member's notifications and "New" divider are about.
export let other: Client;

// A post that would push a narrow page sideways if long words, URLs, code and tables were not contained.
const WIDE_POST = [
  'A long link: https://example.com/a/very/long/path/that/goes/on/and/on/without/any/place/to/break/it?with=query&and=more-parameters',
  '',
  'Supercalifragilisticexpialidocious-and-then-some-more-letters-without-a-single-space-in-them-at-all',
  '',
  '```',
  'const aVeryLongLineOfCode = someFunction(withAnArgument, andAnother, andYetAnotherOne, untilItIsFarTooWide);',
  '```',
  '',
  '| Column one | Column two | Column three | Column four | Column five | Column six | Column seven |',
  '|---|---|---|---|---|---|---|',
  '| a wide cell | another wide cell | and another | and one more | still more | nearly done | the last cell |',
  '',
  '> A quoted line, and a list:',
  '',
  '- first',
  '- second',
].join('\n');

/** Starts the site before this file's tests and stops it after them. */
export function setUp(): void {
beforeAll(async () => {
  // An acknowledged phone number holds the post for review: the queue and the thread show a held post.
  // Four browsers load page after page from one address: more sockets than one visitor would open.
  agora = await startAgora({ env: { HOLD_ACKNOWLEDGED_PII: 'PHONE', SOCKET_MAX_PER_ADDRESS: '1000', SEARCH_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  const anonymous = await browser.newContext();
  contexts.push(anonymous);
  pages.anonymous = await anonymous.newPage();
  for (const role of ['member', 'banned', 'moderator', 'admin'] as const) {
    const signed = await signedInPage(browser, agora, role === 'banned' ? 'member' : role);
    contexts.push(signed.context);
    pages[role] = signed.page;
    if (role === 'member') at.memberName = signed.username;
    if (role === 'banned') at.bannedId = signed.id;
  }
  const client = async (username: string) => {
    const c = new Client(agora.url);
    expect((await c.login(username, BROWSER_PASSWORD)).status).toBe(200);
    return c;
  };
  const member = await client(at.memberName);
  at.referralCode = member.user!.referralCode!;
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  other = await signedIn(agora.url, agora.stores.users, 'member');
  at.forum = (await admin.post('/api/forums', { slug: 'a11y', title: 'Accessibility', description: 'Questions about using Agora with a keyboard or a screen reader' })).body.forum.id;
  at.older = (await admin.post(`/api/forums/${at.forum}/threads`, { title: 'An older thread', body: 'Nothing to see here.' })).body.thread.id;
  at.thread = (await admin.post(`/api/forums/${at.forum}/threads`, { title: 'Reading Agora on a phone', body: WIDE_POST })).body.thread.id;
  const posts = `/api/threads/${at.thread}/posts`;
  // Long enough to scroll inside the boxes that show a post's text (your data, the review queue).
  const long = (first: string) => [first, ...Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long answer.`)].join('\n\n');
  expect((await member.post(posts, { body: long('It works well for me, **even** with a screen reader.') })).status).toBe(201);
  expect((await member.post(posts, { body: long('Call me on +44 20 7946 0958 to talk it over.'), acknowledgePii: ['PHONE'] })).status).toBe(201);
  const spam = (await other.post(posts, { body: 'Cheap watches at spam.example!' })).body.post.id;
  const flagged = (await other.post(posts, { body: 'Buy followers now, best prices.' })).body.post.id;
  expect((await member.post(`/api/posts/${flagged}/flags`, { reason: 'spam' })).status).toBe(201);
  expect((await admin.post(`/api/posts/${spam}/remove`, { reason: 'spam' })).status).toBe(200);
  // The member's own removed post shows them why; the banned member's pages show the ban.
  const own = (await member.post(posts, { body: 'A post the moderators removed.' })).body.post.id;
  expect((await admin.post(`/api/posts/${own}/remove`, { reason: 'off-topic' })).status).toBe(200);
  const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
  expect((await admin.post(`/api/mod/users/${at.bannedId}/ban`, { reason: 'spam in three threads', until })).status).toBe(200);
  // Notifications: the member read the older thread once (its divider comes later); two mentions
  // in a thread of its own that the member never opens, one of them read.
  expect((await member.post(`/api/threads/${at.older}/read`, { seq: 1 })).status).toBe(204);
  at.mentions = (await other.post(`/api/forums/${at.forum}/threads`, { title: 'Screen reader tips', body: `@${at.memberName} which one do you use?` })).body.thread.id;
  await other.post(`/api/threads/${at.mentions}/posts`, { body: `@${at.memberName} and which browser?` });
  const mine = await eventually(async () => {
    const res = await member.get('/api/notifications');
    expect(res.body.items).toHaveLength(2);
    return res.body.items as { id: string }[];
  }, { what: 'both mentions reach the member' });
  expect((await member.post('/api/notifications/read', { ids: [mine[1]!.id] })).status).toBe(200);
  // A published testimonial, a consented one waiting for curation, and a draft.
  for (const [i, text] of ['Agora answered my question in minutes.', 'Friendly people and no spam.', 'A draft I have not agreed to publish.'].entries()) {
    const made = await member.post('/api/testimonials', { text });
    expect([made.status, made.body]).toEqual([201, expect.anything()]);
    const id = made.body.testimonial.id;
    if (i < 2) expect((await member.post(`/api/testimonials/${id}/consent`, { name: 'Ada L.', title: 'Engineer' })).status).toBe(200);
    if (i === 0) expect((await admin.post(`/api/testimonials/${id}/feature`)).status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await agora?.close();
});
}
