import { EmailUnverified, Forbidden, NotFound, Unauthenticated, Conflict, type DomainError } from '../errors.js';
import type { ForumRecord, PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { ROLES, atLeast, banActive, rank, type Role } from '../../shared/roles.js';

/**
 * The one answer to "may this user do this to that?". Routes, socket handlers, views and services
 * ask it; nothing else compares roles or reads a ban. It reads the account as given, so callers
 * pass the current record (sessions and sockets re-read it), and a ban or role change applies at
 * once.
 */

/** Lowest to highest (shared/roles.ts, the one definition). */
export { ROLES };

/**
 * Whoever acts: an account record, or a viewer whose role is already its standing (viewerFor).
 * `now` is the clock a ban's end is read by: the app's (injected) clock, which the account carries
 * from where it enters (the session, the socket, a job reading it: `judgedBy`); without one, the
 * wall clock.
 */
export type Subject = Pick<UserRecord, 'id' | 'role'> & { ban?: UserRecord['ban']; emailVerified?: boolean; now?: () => number };

/**
 * Only what the policy reads of an account (id, role, ban, verified address, clock): what a
 * long-lived holder such as an open socket keeps, instead of the whole record (its e-mail address,
 * password hash and the rest).
 */
export const subjectOf = (u: Subject): Subject => ({
  id: u.id, role: u.role, ban: u.ban ?? null,
  ...(u.emailVerified !== undefined ? { emailVerified: u.emailVerified } : {}),
  ...(u.now ? { now: u.now } : {}),
});

/** The account, its ban read by the app's clock `now` (the account itself when there is none). */
export const judgedBy = <U extends Subject>(user: U, now: (() => number) | undefined): U => (now ? { ...user, now } : user);

export const isBanned = (user: Pick<Subject, 'ban' | 'now'>, now = user.now ? user.now() : Date.now()): boolean => banActive(user.ban, now);

/**
 * The role an account acts with now. A banned moderator acts and reads as a member does: removed
 * content and the moderators' rooms are for staff in good standing.
 */
export const standing = (user: Subject): Role => (isBanned(user) ? 'member' : user.role);

/** At least `role`, in good standing. */
export const hasRole = (user: Subject | null | undefined, role: Role): boolean => !!user && atLeast(standing(user), role);

/** A moderator or an admin, in good standing. */
export const isStaff = (user: Subject | null | undefined): boolean => hasRole(user, 'moderator');

/** Its author (who sees it held, hears of it privately, and may edit it) or staff. */
export const ownsOrStaff = (post: Pick<PostRecord, 'authorId'>, user: Subject | null) =>
  !!user && (isStaff(user) || (post.authorId !== null && post.authorId === user.id));

// A rule answers null (allowed) or how to make its refusal: most "no"s are only asked about
// (`can`, a page's permission flags) and never thrown, so no error (with its stack) is built for them.
type Verdict = (() => DomainError) | null;
const NO_THREAD = () => new NotFound('There is no such thread.');
const NO_POST = () => new NotFound('There is no such post.');
const LOCKED = () => new Forbidden('This thread is locked.');
/** Archived means read-only for everyone, staff too: an admin unarchives it to write there again. */
const ARCHIVED = () => new Forbidden('This forum is archived: it is read-only.');

function writer(user: Subject | null): Verdict {
  if (!user) return () => new Unauthenticated();
  if (isBanned(user)) return () => new Forbidden('Your account is banned from writing.');
  return null;
}

function role(user: Subject | null, needed: Role): Verdict {
  if (!user) return () => new Unauthenticated();
  return hasRole(user, needed) ? null : () => new Forbidden();
}

/**
 * A removed thread (title and posts) exists only for staff, not even for its author; a thread
 * whose first post is held exists only for its author and staff.
 */
const readThread = (user: Subject | null, t: ThreadRecord): Verdict =>
  isStaff(user) || (!t.removal && (!t.held || (!!user && user.id === t.authorId))) ? null : NO_THREAD;

/** A held post exists only for staff and its author; a post of a thread one may not see does not exist. */
function readPost(user: Subject | null, { post, thread }: PostInThread): Verdict {
  if (post.status === 'held' && !ownsOrStaff(post, user)) return NO_POST;
  return thread && readThread(user, thread) ? NO_POST : null;
}

export interface PostInThread { post: PostRecord; thread: ThreadRecord | null }
/** A thread to reply in, with whether its forum is archived (read by the caller). */
export type ReplyTarget = ThreadRecord & { forumArchived?: boolean };
/** A post to edit, with whether its forum is archived (read by the caller). */
export type EditTarget = PostInThread & { forumArchived?: boolean };
interface ManagedUser { target: Pick<UserRecord, 'id' | 'role'> }

/** Each action, the resource it is asked about, and its rule (null: allowed; else the refusal). */
const RULES = {
  /** Every write a member makes (posts, flags, testimonials): signed in and not banned. */
  write: (user: Subject | null, _r: void) => writer(user),
  /**
   * What REQUIRE_VERIFIED_EMAIL guards: posting (threads, replies, edits), flagging and referring.
   * The services of exactly those ask it, with the setting as the resource.
   */
  'write:verified': (user: Subject | null, r: { requireVerifiedEmail: boolean }) =>
    writer(user) ?? (r.requireVerifiedEmail && user!.emailVerified !== true ? () => new EmailUnverified() : null),
  'thread:read': (user: Subject | null, t: ThreadRecord) => readThread(user, t),
  /** Start a thread in a forum. */
  'forum:post': (user: Subject | null, f: Pick<ForumRecord, 'archived'>) => writer(user) ?? (f.archived ? ARCHIVED : null),
  'thread:reply': (user: Subject | null, t: ReplyTarget) =>
    writer(user) ?? readThread(user, t)
    ?? (t.removal ? () => new Conflict('This thread is removed; restore it before replying.') : null)
    ?? (t.forumArchived ? ARCHIVED : null)
    ?? (t.locked && !isStaff(user) ? LOCKED : null),
  'post:read': (user: Subject | null, r: PostInThread) => readPost(user, r),
  /**
   * Found by search, words and all: what `post:read` allows, but never purged content, and removed
   * content (a tombstone to members) only for staff.
   */
  'post:find': (user: Subject | null, r: PostInThread) =>
    readPost(user, r) ?? (r.post.purged || r.thread?.purged || (r.post.status === 'removed' && !isStaff(user)) ? NO_POST : null),
  /**
   * Listed under its author on their profile: what `post:read` allows, but a removed post only for
   * its author and staff (to others its tombstone hides the author, so listing it would name them).
   */
  'post:list-on-profile': (user: Subject | null, r: PostInThread) =>
    readPost(user, r) ?? (r.post.status === 'removed' && !ownsOrStaff(r.post, user) ? NO_POST : null),
  /** The Markdown as stored, for the edit form. */
  'post:source': (user: Subject | null, r: PostInThread) =>
    (user ? null : () => new Unauthenticated()) ?? readPost(user, r)
    ?? (ownsOrStaff(r.post, user) ? null : () => new Forbidden('Only the author or a moderator can edit this post.')),
  'post:edit': (user: Subject | null, r: EditTarget) =>
    writer(user) ?? readPost(user, r)
    ?? (ownsOrStaff(r.post, user) ? null : () => new Forbidden('Only the author or a moderator can edit this post.'))
    ?? (r.post.status === 'removed' && !isStaff(user) ? () => new Forbidden('A removed post cannot be edited.') : null)
    ?? (r.forumArchived ? ARCHIVED : null)
    ?? (r.thread?.locked && !isStaff(user) ? LOCKED : null),
  'post:flag': (user: Subject | null, r: PostInThread) =>
    writer(user) ?? readPost(user, r)
    ?? (r.post.authorId === user!.id ? () => new Forbidden('You cannot flag your own post.') : null),
  /** Remove, restore, purge and approve posts; lock, remove and restore threads; the queue and the audit log. */
  moderate: (user: Subject | null, _r: void) => role(user, 'moderator'),
  /** The live review queue (mod:watch): anyone but staff in good standing, signed in or not, is simply forbidden (API.md, Realtime). */
  'queue:watch': (user: Subject | null, _r: void) => (isStaff(user) ? null : () => new Forbidden()),
  /** Ban, unban, remove all posts of: only a lower role, never oneself. */
  'user:manage': (user: Subject | null, { target }: ManagedUser) =>
    role(user, 'moderator')
    ?? (target.id === user!.id ? () => new Forbidden('You cannot do that to your own account.') : null)
    ?? (rank(target.role) >= rank(standing(user!)) ? () => new Forbidden('Only someone of a higher role can do that to this account.') : null),
  'user:set-role': (user: Subject | null, { target }: ManagedUser) =>
    role(user, 'admin') ?? (target.id === user!.id ? () => new Forbidden('You cannot change your own role.') : null),
  /** Forums, and which testimonials are featured. */
  administer: (user: Subject | null, _r: void) => role(user, 'admin'),
} satisfies Record<string, (user: Subject | null, resource: never) => Verdict>;

export type Action = keyof typeof RULES;
type ResourceOf<A extends Action> = Parameters<(typeof RULES)[A]>[1];
type Args<A extends Action> = ResourceOf<A> extends void ? [] : [resource: ResourceOf<A>];

const verdict = (user: Subject | null | undefined, action: Action, resource: unknown): Verdict =>
  (RULES[action] as (u: Subject | null, r: unknown) => Verdict)(user ?? null, resource);

/** Why `user` may not do `action` (to `resource`), or null when they may. */
export function refusal<A extends Action>(user: Subject | null | undefined, action: A, ...[resource]: Args<A>): DomainError | null {
  return verdict(user, action, resource)?.() ?? null;
}

export function can<A extends Action>(user: Subject | null | undefined, action: A, ...[resource]: Args<A>): boolean {
  return verdict(user, action, resource) === null;
}

/** Throws the refusal (NotFound where the thing must stay hidden, else Forbidden or Conflict). */
export function authorize<A extends Action>(user: Subject | null | undefined, action: A, ...resource: Args<A>): void {
  const no = refusal(user, action, ...resource);
  if (no) throw no;
}
