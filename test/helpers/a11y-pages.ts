// Every page each role can reach on the accessibility site (a11y-site.ts), with what shows it has
// finished loading, and the run that checks them all in a view (colour scheme and width).
import type { Page } from 'playwright-core';
import { backgroundLuminance, describeViolations, horizontalOverflow, labellingProblems, overflowingElements, seriousViolations, shownElements } from './a11y.js';
import { agora, at, other, pages, setUp } from './a11y-site.js';

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


const ROLES = { anonymous: ANONYMOUS, member: MEMBER, 'banned member': BANNED, moderator: MODERATOR, admin: ADMIN } as const;
export type Role = keyof typeof ROLES;

interface View {
  name: string;
  colorScheme: 'light' | 'dark';
  viewport: { width: number; height: number };
  /** axe-core rules to run; every rule when absent. */
  rules?: readonly string[];
}

const DESKTOP = { width: 1280, height: 900 };
/**
 * Every page is opened once and looked at in three views. Light on a desktop: every axe rule. The
 * pages' markup does not change with width or scheme (only colour variables, spacing and grid
 * columns do; each page checks below that the same elements are shown at both widths), so the
 * other views run the rules that read what does change. Light at 360 px: layout (contrast over
 * what now overlaps, scrolling boxes, target sizes). Dark: the colour rules, at desktop width.
 */
const VIEWS: readonly View[] = [
  { name: 'light', colorScheme: 'light', viewport: DESKTOP },
  { name: 'light at 360 px', colorScheme: 'light', viewport: { width: 360, height: 740 }, rules: ['color-contrast', 'link-in-text-block', 'scrollable-region-focusable', 'target-size'] },
  { name: 'dark', colorScheme: 'dark', viewport: DESKTOP, rules: ['color-contrast', 'link-in-text-block'] },
];

/** Two painted frames: the resize and scheme change are laid out, and the page's resize handlers have run. */
const painted = (page: Page) => page.evaluate(() => new Promise<void>((resolve) => {
  const frame = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame;
  frame(() => frame(() => resolve()));
}));

async function show(page: Page, view: View): Promise<void> {
  await page.setViewportSize(view.viewport);
  await page.emulateMedia({ colorScheme: view.colorScheme });
  await painted(page);
}

/**
 * A test per role: every page that role can reach, in each view, has no serious or critical axe
 * violation (of the view's rules), no unlabelled control or duplicated id, and no sideways scroll;
 * and the palette shown is the view's colour scheme.
 */
export function checkEveryPage(roles: readonly Role[]): void {
  setUp();
  test.each(roles)('every page as %s, light and dark, on a desktop and at 360 px, has no serious accessibility violation and no sideways scroll', async (role) => {
    const page = pages[role === 'banned member' ? 'banned' : role];
    const problems: string[] = [];
    let first = true;
    for (const check of ROLES[role]()) {
      await show(page, VIEWS[0]!);
      await check.open(page);
      for (const line of await labellingProblems(page)) problems.push(`${check.name}: ${line}`);
      const shown: string[][] = [];
      for (const view of VIEWS) {
        await show(page, view);
        shown.push(await shownElements(page));
        // The palette follows the system's colour scheme (so the dark view checks the dark palette).
        if (first) {
          if (view.colorScheme === 'dark') expect(await backgroundLuminance(page)).toBeLessThan(0.05);
          else expect(await backgroundLuminance(page)).toBeGreaterThan(0.9);
        }
        for (const line of describeViolations(await seriousViolations(page, view.rules))) problems.push(`${view.name}, ${check.name}: ${line}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) problems.push(`${view.name}, ${check.name}: ${overflow}px wider than the screen, by ${(await overflowingElements(page)).join(', ')}`);
      }
      // What the views' narrower rule sets rely on: no element is shown or hidden by width. Desktop,
      // then 360 px, then desktop again: a page still changing (a preview arriving) differs from
      // one of the two desktop looks only, an element hidden by width from both.
      const [wide, narrow, wideAgain] = shown;
      if (wide!.join() !== narrow!.join() && wideAgain!.join() !== narrow!.join()) {
        problems.push(`${check.name}: shows other elements at 360 px than on a desktop (${narrow!.filter((e) => !wide!.includes(e)).concat(wide!.filter((e) => !narrow!.includes(e))).slice(0, 5).join(', ')}): run every axe rule at 360 px too`);
      }
      first = false;
    }
    if (problems.length) console.log(`${role}:\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
  }, 300_000);
}
