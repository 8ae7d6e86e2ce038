// Every page the web app shows, by path: one list for the browser's router (any other path shows
// the not-found page) and the server (any other path answers 404 with that page). A new page is
// added here first, or both sides treat its path as unknown.

const ID = '([A-Za-z0-9_-]{1,64})';
// Usernames may hold dots too (shared/schemas/auth.ts).
const NAME = '([A-Za-z0-9_.-]{1,64})';

export const PAGES = {
  forums: /^\/$/,
  forum: new RegExp(`^/f/${ID}$`),
  thread: new RegExp(`^/t/${ID}$`),
  signin: /^\/signin$/,
  signup: /^\/signup$/,
  forgotPassword: /^\/forgot-password$/,
  resetPassword: new RegExp(`^/reset/${ID}$`),
  // A verification token is `<account id>.<random>` (server/auth/verify.ts).
  verifyEmail: /^\/verify\/([A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64})$/,
  moderation: /^\/mod$/,
  admin: /^\/admin$/,
  account: /^\/account\/?$/,
  testimonials: /^\/testimonials\/?$/,
  invite: /^\/invite$/,
  landing: new RegExp(`^/r/${ID}$`),
  optOut: new RegExp(`^/unsubscribe/${ID}$`),
  profile: new RegExp(`^/u/${NAME}$`),
  // The words and filters are in the query string (client/src/pages/search.tsx).
  search: /^\/search$/,
  notifications: /^\/notifications$/,
} as const satisfies Record<string, RegExp>;

export type PageName = keyof typeof PAGES;

/** What the tab is called on each page; pages that show a forum, a thread or a member name it themselves. */
export const PAGE_TITLES: Record<PageName, string> = {
  forums: 'Forums',
  forum: 'Forum',
  thread: 'Thread',
  signin: 'Sign in',
  signup: 'Create an account',
  forgotPassword: 'Forgot your password',
  resetPassword: 'Choose a new password',
  verifyEmail: 'Confirm your e-mail address',
  moderation: 'Moderation',
  admin: 'Administration',
  account: 'Your data',
  testimonials: 'Testimonials',
  invite: 'Invite a friend',
  landing: 'You are invited',
  optOut: 'No more invitations',
  profile: 'Member',
  search: 'Search',
  notifications: 'Notifications',
};

export const NOT_FOUND_TITLE = 'Page not found';

export interface PageMatch { name: PageName; /** The id in the path (forum, thread, code, token or username), if it has one. */ id?: string }

/** The page a path shows, or null when the web app has no such page. */
export function pageOf(path: string): PageMatch | null {
  for (const name of Object.keys(PAGES) as PageName[]) {
    const m = PAGES[name].exec(path);
    if (m) return m[1] === undefined ? { name } : { name, id: m[1] };
  }
  return null;
}

/** A tab title: the most specific part first, then "Agora" ("Payments · Help · Agora"). */
export const tabTitle = (...parts: (string | null | undefined)[]): string =>
  [...parts.filter((p): p is string => !!p), 'Agora'].join(' · ');
