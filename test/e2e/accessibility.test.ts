// Every page as anonymous visitors, members, moderators and administrators see it, checked with
// axe-core in light and dark colour schemes and on a 360 px wide phone: no serious or critical
// violation, and nothing wider than the screen. Needs `npm run build:client` first.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgora, type Running } from '../helpers/agora.js';
import { backgroundLuminance, describeViolations, horizontalOverflow, labellingProblems, overflowingElements, seriousViolations } from '../helpers/a11y.js';
import { BROWSER_PASSWORD, launchBrowser, signInThroughPage } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { Client, signedIn } from '../helpers/http.js';

let agora: Running;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pages: Record<'anonymous' | 'member' | 'banned' | 'moderator' | 'admin', Page> = {} as never;
const at = { forum: '', thread: '', older: '', mentions: '', referralCode: '', memberName: '', bannedId: '' };
// Another member, who writes what the member's notifications and "New" divider are about.
let other: Client;

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

beforeAll(async () => {
  // An acknowledged phone number holds the post for review: the queue and the thread show a held post.
  // Four browsers load page after page from one address: more sockets than one visitor would open.
  agora = await startAgora({ env: { HOLD_ACKNOWLEDGED_PII: 'PHONE', SOCKET_MAX_PER_ADDRESS: '1000', SEARCH_RATE_PER_MINUTE: '1000' } });
  browser = await launchBrowser();
  const anonymous = await browser.newContext();
  contexts.push(anonymous);
  pages.anonymous = await anonymous.newPage();
  for (const role of ['member', 'banned', 'moderator', 'admin'] as const) {
    const signed = await signInThroughPage(browser, agora, role === 'banned' ? 'member' : role);
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

/** A page to check: how to reach it, and what shows that it has finished loading. */
interface Check {
  name: string;
  open(page: Page): Promise<unknown>;
}

const go = (path: string, ready: (page: Page) => Promise<unknown>) => async (page: Page) => {
  await page.goto(`${agora.url}${path}`);
  await ready(page);
};
const heading = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 }).waitFor();
const text = (t: string) => (page: Page) => page.getByText(t).first().waitFor();
/** The results page once it has said how many posts it found ("1 post matches", "No posts match"). */
const searched = (said: RegExp) => (page: Page) => page.getByTestId('search-count').filter({ hasText: said }).waitFor();
const FOUND = /^[1-9]\d* posts? match/;
const threadReady = async (page: Page) => {
  await page.getByText('Live', { exact: true }).waitFor();
  await page.getByTestId('post').first().waitFor();
};

// Functions: the paths hold ids made in beforeAll.
const ANONYMOUS = (): Check[] => [
  { name: 'forum list', open: go('/', text('Accessibility')) },
  { name: "a forum's threads", open: go(`/f/${at.forum}`, text('Reading Agora on a phone')) },
  { name: 'a thread', open: go(`/t/${at.thread}`, threadReady) },
  { name: "a member's profile", open: go(`/u/${at.memberName}`, (page) => page.getByTestId('profile-post').first().waitFor()) },
  { name: 'search results', open: go('/search?q=screen', searched(FOUND)) },
  { name: 'search, nothing found', open: go('/search?q=zebra', searched(/^No posts match/)) },
  { name: 'sign in', open: go('/signin', heading('Sign in')) },
  { name: 'sign up', open: go('/signup', heading('Create an account')) },
  { name: 'sign up with every error shown', open: async (page) => {
    await go('/signup', heading('Create an account'))(page);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.field-error, .form-error').first().waitFor();
  } },
  { name: 'testimonials', open: go('/testimonials', text('Agora answered my question in minutes.')) },
  { name: 'referral landing', open: go(`/r/${at.referralCode}`, heading(/invited/)) },
  { name: 'opt-out', open: go('/unsubscribe/not-a-real-token-0123456789', heading(/invitations/)) },
  { name: 'opt-out refused', open: async (page) => {
    await go('/unsubscribe/not-a-real-token-0123456789', heading(/invitations/))(page);
    await page.getByRole('button').filter({ hasText: /invitations/ }).click();
    await page.getByRole('alert').waitFor();
  } },
  { name: 'forgot password', open: go('/forgot-password', heading('Forgot your password?')) },
  { name: 'forgot password, asked', open: async (page) => {
    await go('/forgot-password', heading('Forgot your password?'))(page);
    // An address of its own each pass: three requests an hour per address is the limit.
    await page.getByLabel(/e-mail/i).fill(`nobody-${Date.now()}@example.com`);
    await page.getByRole('button').filter({ hasText: /link|send|reset/i }).first().click();
    await page.getByTestId('forgot-status').filter({ hasText: /./ }).waitFor();
  } },
  { name: 'choose a new password', open: go('/reset/not-a-real-token-0123456789', heading('Choose a new password')) },
  { name: 'confirm an address, link not valid', open: async (page) => {
    await page.goto(`${agora.url}/verify/AAAAAAAAAAAAAAAA.${'B'.repeat(43)}`);
    await page.getByTestId('verify-status').filter({ hasText: 'does not work any more' }).waitFor();
  } },
  { name: 'your data, signed out', open: go('/account', heading('Your data')) },
  { name: 'notifications, signed out', open: go('/notifications', heading('Notifications')) },
  { name: 'invite, signed out', open: go('/invite', heading('Invite a friend')) },
  { name: 'moderation, signed out', open: go('/mod', (page) => page.locator('main h1').waitFor()) },
  { name: 'administration, signed out', open: go('/admin', (page) => page.getByTestId('admin-not-allowed').waitFor()) },
  { name: 'not found', open: go('/no/such/page', (page) => page.locator('main h1').waitFor()) },
  // Outside production without a mail server, mail is kept here (a page of the server's own).
  { name: 'development outbox', open: go('/dev/mail', heading(/outbox/i)) },
];

const MEMBER = (): Check[] => [
  { name: 'a forum with the start-thread form', open: go(`/f/${at.forum}`, (page) => page.getByRole('heading', { name: 'Start a thread' }).waitFor()) },
  { name: 'a thread with the reply form and their removed post', open: go(`/t/${at.thread}`, async (page) => {
    await threadReady(page);
    await page.getByTestId('post').filter({ hasText: 'off-topic' }).waitFor();
  }) },
  { name: 'a draft holding personal data', open: async (page) => {
    await go(`/t/${at.thread}`, threadReady)(page);
    await page.getByLabel('Your reply').fill('Write to me at someone@example.org or pay with 4111 1111 1111 1111.');
    await page.getByTestId('reply-pii-warning').waitFor();
    await page.locator('mark').first().waitFor();
  } },
  { name: 'the personal-data dialog', open: async (page) => {
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.locator('dialog[open]').waitFor();
  } },
  { name: 'the flag form', open: async (page) => {
    await page.keyboard.press('Escape');
    await page.locator('dialog[open]').waitFor({ state: 'detached' }).catch(() => page.locator('dialog[open]').waitFor({ state: 'hidden' }));
    await page.getByRole('button', { name: 'Flag' }).first().click();
    await page.getByRole('group', { name: /Flag this post/ }).waitFor();
  } },
  { name: 'your data', open: go('/account', async (page) => {
    await page.getByTestId('delete-account').waitFor();
    await page.getByLabel('E-mail me when someone mentions me').waitFor();
  }) },
  { name: 'your data, e-mail settings saved', open: async (page) => {
    await page.getByRole('button', { name: 'Save e-mail settings' }).click();
    await page.getByTestId('notification-email-outcome').filter({ hasText: 'saved' }).waitFor();
  } },
  { name: 'your data, deleting the account', open: async (page) => {
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    await page.getByRole('group', { name: /What should happen/ }).waitFor();
  } },
  { name: 'invite a friend', open: go('/invite', text('exactly one email')) },
  // A new mention each time, so every view shows unread and read ones.
  { name: 'notifications', open: async (page) => {
    await other.post(`/api/threads/${at.mentions}/posts`, { body: `@${at.memberName} one more question.` });
    await go('/notifications', (p) => p.locator('[data-testid="notification"]:not(.unread)').first().waitFor())(page);
    await page.locator('[data-testid="notification"].unread').first().waitFor();
  } },
  // A post written since the member last read the thread: the divider comes before it.
  { name: 'a thread with the "New" divider and the subscription control', open: async (page) => {
    await other.post(`/api/threads/${at.older}/posts`, { body: 'Something new since your last visit.' });
    await go(`/t/${at.older}`, (p) => p.getByRole('separator', { name: 'New posts since your last visit' }).waitFor())(page);
    await page.getByRole('group', { name: 'Notifications for this thread' }).waitFor();
  } },
  { name: 'search results in one forum', open: go(`/search?q=screen&forumId=${at.forum}`, searched(FOUND)) },
  { name: 'search refused, said under the box', open: go('/search?q=-screen', (page) => page.getByTestId('search-query-error').waitFor()) },
  { name: 'testimonials, your own', open: go('/testimonials', (page) => page.getByTestId('my-testimonial').first().waitFor()) },
];

const MODERATOR = (): Check[] => [
  { name: 'a thread with moderation controls', open: go(`/t/${at.thread}`, async (page) => {
    await threadReady(page);
    await page.getByTestId('removal-note').first().waitFor();
  }) },
  { name: 'the remove form', open: async (page) => {
    await page.getByRole('button', { name: 'Remove', exact: true }).first().click();
    await page.getByLabel('Reason', { exact: true }).first().waitFor();
  } },
  { name: 'moderation dashboard', open: go('/mod', async (page) => {
    await page.getByTestId('queue-item').first().waitFor();
    await page.getByTestId('audit-entry').first().waitFor();
  }) },
  { name: 'moderation dashboard, a user looked up', open: async (page) => {
    await page.getByRole('search', { name: 'Find a user' }).getByLabel('Username').fill(at.memberName);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('user-card').waitFor();
  } },
  { name: 'search with the removed-posts choice', open: go('/search?q=watches&status=removed', searched(FOUND)) },
];

const BANNED = (): Check[] => [
  { name: 'a forum, banned', open: go(`/f/${at.forum}`, (page) => page.getByTestId('ban-notice').waitFor()) },
  { name: 'a thread, banned', open: go(`/t/${at.thread}`, async (page) => {
    await threadReady(page);
    await page.getByTestId('ban-notice').waitFor();
  }) },
  { name: 'your data, banned', open: go('/account', (page) => page.getByTestId('delete-account').waitFor()) },
  { name: 'invite, banned', open: go('/invite', heading('Invite a friend')) },
];

const ADMIN = (): Check[] => [
  { name: 'testimonials with curation', open: go('/testimonials', (page) => page.getByTestId('review-testimonial').first().waitFor()) },
  { name: 'administration', open: go('/admin', async (page) => {
    await page.getByTestId('admin-user').first().waitFor();
    await page.getByTestId('admin-forum').first().waitFor();
  }) },
  { name: 'administration, banning and editing a forum', open: async (page) => {
    await page.getByTestId('admin-user').filter({ hasText: 'not banned' }).first().getByRole('button', { name: /^Ban .*…$/ }).click();
    await page.getByLabel('Reason for the ban').first().waitFor();
    await page.getByRole('button', { name: /^Edit / }).first().click();
    await page.getByRole('group', { name: /^Edit / }).first().waitFor();
  } },
];

const VIEWS = [
  { name: 'light', colorScheme: 'light', viewport: { width: 1280, height: 900 } },
  { name: 'dark', colorScheme: 'dark', viewport: { width: 1280, height: 900 } },
  { name: 'light at 360 px', colorScheme: 'light', viewport: { width: 360, height: 740 } },
  { name: 'dark at 360 px', colorScheme: 'dark', viewport: { width: 360, height: 740 } },
] as const;

const ROLES = [['anonymous', ANONYMOUS], ['member', MEMBER], ['banned member', BANNED], ['moderator', MODERATOR], ['admin', ADMIN]] as const;

describe.each(VIEWS)('$name', (view) => {
  test.each(ROLES)('every page as %s has no serious accessibility violation and no sideways scroll', async (role, checks) => {
    const page = pages[role === 'banned member' ? 'banned' : role];
    await page.setViewportSize(view.viewport);
    await page.emulateMedia({ colorScheme: view.colorScheme });
    await checks()[0]!.open(page);
    // The palette follows the system's colour scheme (so the dark runs check the dark palette).
    if (view.colorScheme === 'dark') expect(await backgroundLuminance(page)).toBeLessThan(0.05);
    else expect(await backgroundLuminance(page)).toBeGreaterThan(0.9);
    const problems: string[] = [];
    for (const check of checks()) {
      await check.open(page);
      for (const line of describeViolations(await seriousViolations(page))) problems.push(`${check.name}: ${line}`);
      for (const line of await labellingProblems(page)) problems.push(`${check.name}: ${line}`);
      const overflow = await horizontalOverflow(page);
      if (overflow > 0) problems.push(`${check.name}: ${overflow}px wider than the screen, by ${(await overflowingElements(page)).join(', ')}`);
    }
    if (problems.length) console.log(`${view.name}, ${role}:\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
  }, 120_000);
});
