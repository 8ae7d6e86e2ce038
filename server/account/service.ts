import { hashPassword, verifyPassword } from '../auth/password.js';
import { judgedBy, type Subject } from '../auth/policy.js';
import { Forbidden, RateLimited } from '../errors.js';
import type { ForumStore } from '../store/forum.js';
import type { ModerationStore } from '../store/moderation.js';
import type { Limiter } from '../store/rate-limit.js';
import type { SessionStore } from '../store/sessions.js';
import type { TestimonialStore } from '../store/testimonials.js';
import type { ResetTokenStore } from '../store/reset-tokens.js';
import type { UserPatch, UserRecord, UserStore } from '../store/users.js';
import type { AccountPatch } from '../../shared/schemas/index.js';
import { prepareBio } from '../users/service.js';
import type { Severities } from '../content/pipeline.js';
import type { ModerationDeps } from '../moderation/service.js';
import { eraseMemberContent, type DepartingPosts } from '../moderation/departure.js';
import { endOtherSessions, listSessions } from './sessions.js';
import type { ExportData } from '../../shared/schemas/account.js';

/** The ports the account's own pages use. */
export interface AccountDeps {
  users: Pick<UserStore, 'update' | 'delete' | 'countReferredBy'>;
  sessions: Pick<SessionStore, 'listForUser' | 'get' | 'destroy' | 'destroyForUser'>;
  forum: Pick<ForumStore, 'postIdsByAuthor' | 'getPost' | 'getThreads' | 'threadIdsByAuthor'>;
  flags: Pick<ModerationStore, 'flagsByMember'>;
  testimonials: Pick<TestimonialStore, 'byAuthor' | 'delete'>;
  /** Deleting an account removes or anonymizes its posts the way moderation does. */
  moderation: ModerationDeps;
  /** Keys the public ids of sessions. */
  secret: string;
  /** The login throttle per account: guessing the current password here counts like a failed login. */
  passwordLimiter: Limiter;
  /** Deleting an account, or changing its address or password, forgets its pending password-reset links. */
  resetTokens: Pick<ResetTokenStore, 'deleteForUser'>;
  /** E-mail verification: a new address is verified anew (and the old one told); deletion forgets the links. */
  verification?: {
    addressChanged(before: UserRecord, after: UserRecord): Promise<void>;
    forget(userId: string): Promise<void>;
  };
  /** Deletion cancels the member's pending notification e-mail and forgets their notifications and preferences. */
  notifications?: {
    forget(userId: string): Promise<void>;
    /** For the data export: the member's preferences, notifications, subscriptions and read positions (`member` judged by the app's clock). */
    exportFor(member: Subject): Promise<NonNullable<ExportData['notifications']>>;
  };
  /** A bio is scanned for personal data like a post. */
  piiSeverity: Severities;
  now: () => number;
}

/** Who asks: the signed-in account and the session the request came with. */
export interface Caller { user: UserRecord; sessionId: string }

async function checkPassword(deps: AccountDeps, user: UserRecord, password: string, field: string): Promise<void> {
  // Counted before checking (one atomic step), so concurrent guesses cannot share one look at the limit.
  const attempt = await deps.passwordLimiter.consume(user.username.toLowerCase());
  if (!attempt.allowed) throw new RateLimited(attempt.retryAfterSeconds);
  if (await verifyPassword(password, user.passwordHash)) return attempt.refund(); // only failures count
  throw new Forbidden('The current password is not right.', { field });
}

/** Everything Agora holds about the caller, and nobody else's. */
export async function exportData(deps: AccountDeps, { user, sessionId }: Caller) {
  const { forum, flags, testimonials, users } = deps;
  const posts = [];
  for (const id of await forum.postIdsByAuthor(user.id)) {
    const p = await forum.getPost(id);
    if (p) posts.push({ id: p.id, threadId: p.threadId, forumId: p.forumId, status: p.status, createdAt: p.createdAt, editedAt: p.editedAt, source: p.source, html: p.html, piiTypes: p.piiTypes, heldReason: p.heldReason, removal: p.removal ? { reason: p.removal.reason, at: p.removal.at } : null });
  }
  const threads = [...(await forum.getThreads(await forum.threadIdsByAuthor(user.id))).values()].map((t) => ({ id: t.id, forumId: t.forumId, title: t.title, createdAt: t.createdAt, locked: t.locked }));
  const flagged = (await flags.flagsByMember(user.id)).map((f) => ({ id: f.id, postId: f.postId, reason: f.reason, createdAt: f.createdAt, status: f.status }));
  return {
    exportedAt: new Date(deps.now()).toISOString(),
    user: { id: user.id, username: user.username, email: user.email, role: user.role, createdAt: user.createdAt, referralCode: user.referralCode, bio: user.bio ?? '', emailVerified: user.emailVerified === true, ban: user.ban ? { reason: user.ban.reason, at: user.ban.at, until: user.ban.until } : null },
    posts,
    threads,
    flags: flagged,
    referrals: { signups: await users.countReferredBy(user.id) },
    sessions: await listSessions(deps.sessions, user.id, sessionId, deps.secret),
    testimonials: await testimonials.byAuthor(user.id),
    ...(deps.notifications ? { notifications: await deps.notifications.exportFor(judgedBy(user, deps.now)) } : {}),
  };
}

export const sessionsOf = (deps: AccountDeps, { user, sessionId }: Caller) => listSessions(deps.sessions, user.id, sessionId, deps.secret);

export async function updateAccount(deps: AccountDeps, caller: Caller, input: AccountPatch): Promise<UserRecord> {
  const { user } = caller;
  // The address and the password are guarded by the current one; a bio alone is not (the schema
  // asks for the password whenever either is changed).
  if (input.email !== undefined || input.newPassword !== undefined) await checkPassword(deps, user, input.currentPassword ?? '', 'currentPassword');
  const patch: UserPatch = {};
  if (input.bio !== undefined) patch.bio = prepareBio(deps, user, input.bio, input.acknowledgePii, input.maskPii);
  const addressChanged = input.email !== undefined && input.email !== user.email;
  if (input.email !== undefined) patch.email = input.email;
  // In the same write as the address: no moment has the new address counted as verified.
  if (addressChanged) patch.emailVerified = false;
  if (input.newPassword !== undefined) patch.passwordHash = await hashPassword(input.newPassword);
  const updated = (await deps.users.update(user.id, patch)) ?? user;
  // A new password signs out every other session, and their sockets.
  if (input.newPassword !== undefined) await signOutOthers(deps, caller);
  // Reset links already sent would otherwise outlive the change: one sent to the old address could
  // take the account back, and one sent before a new password would undo it.
  if (addressChanged || input.newPassword !== undefined) await deps.resetTokens.deleteForUser(user.id);
  if (addressChanged) await deps.verification?.addressChanged(user, updated);
  return updated;
}

export async function signOutOthers(deps: AccountDeps, { user, sessionId }: Caller): Promise<number> {
  const ended = await endOtherSessions(deps.sessions, user.id, sessionId);
  for (const sid of ended) deps.moderation.connections.closeSession(sid);
  return ended.length;
}

/**
 * Deletes the account: posts removed (content purged) or kept under "former member", thread
 * titles, flags (moderation's own steps), testimonials, sessions and sockets, and last the
 * profile itself, so a failure part-way leaves an account that can simply be deleted again.
 */
export async function deleteAccount(deps: AccountDeps, { user }: Caller, input: { password: string; posts: DepartingPosts }): Promise<void> {
  await checkPassword(deps, user, input.password, 'password');
  await eraseMemberContent(deps.moderation, user, input.posts);
  for (const t of await deps.testimonials.byAuthor(user.id)) await deps.testimonials.delete(t.id);
  await deps.resetTokens.deleteForUser(user.id);
  await deps.verification?.forget(user.id);
  await deps.notifications?.forget(user.id);
  await endOtherSessions(deps.sessions, user.id);
  deps.moderation.connections.closeUser(user.id);
  await deps.users.delete(user.id);
}
