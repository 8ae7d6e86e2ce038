import type { Request } from 'express';
import { ApiError, errors } from '../http/errors.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type { Stores } from '../store/index.js';
import type { Limiter } from '../store/rate-limit.js';
import type { UserRecord } from '../store/users.js';
import type { ThreadPublisher } from '../forum/publish.js';
import type { Realtime } from '../realtime/index.js';
import type { ModerationDeps } from '../moderation/service.js';
import { forgetFlagger } from '../moderation/flaggers.js';
import { endOtherSessions, listSessions } from './sessions.js';

export interface AccountDeps {
  stores: Stores;
  secret: string;
  publisher: ThreadPublisher;
  realtime: () => Realtime | undefined;
  moderation: ModerationDeps;
  /** The login throttle per account: guessing the current password here counts like a failed login. */
  passwordLimiter: Limiter;
}

async function checkPassword(deps: AccountDeps, user: UserRecord, password: string, field: string): Promise<void> {
  // Counted before checking (one atomic step), so concurrent guesses cannot share one look at the limit.
  const attempt = await deps.passwordLimiter.consume(user.username.toLowerCase());
  if (!attempt.allowed) throw errors.rateLimited(attempt.retryAfterSeconds);
  if (await verifyPassword(password, user.passwordHash)) return attempt.refund(); // only failures count
  throw new ApiError('forbidden', 'The current password is not right.', { field });
}

/** Everything Agora holds about the caller, and nobody else's. */
export async function exportData(deps: AccountDeps, user: UserRecord, sid: string) {
  const { forum, moderation, testimonials, users } = deps.stores;
  const posts = [];
  for (const id of await forum.postIdsByAuthor(user.id)) {
    const p = await forum.getPost(id);
    if (p) posts.push({ id: p.id, threadId: p.threadId, forumId: p.forumId, status: p.status, createdAt: p.createdAt, editedAt: p.editedAt, source: p.source, html: p.html, piiTypes: p.piiTypes, heldReason: p.heldReason, removal: p.removal ? { reason: p.removal.reason, at: p.removal.at } : null });
  }
  const threads = [...(await forum.getThreads(await forum.threadIdsByAuthor(user.id))).values()].map((t) => ({ id: t.id, forumId: t.forumId, title: t.title, createdAt: t.createdAt, locked: t.locked }));
  const flags = (await moderation.flagsByMember(user.id)).map((f) => ({ id: f.id, postId: f.postId, reason: f.reason, createdAt: f.createdAt, status: f.status }));
  return {
    exportedAt: new Date().toISOString(),
    user: { id: user.id, username: user.username, email: user.email, role: user.role, createdAt: user.createdAt, referralCode: user.referralCode, ban: user.ban ? { reason: user.ban.reason, at: user.ban.at, until: user.ban.until } : null },
    posts,
    threads,
    flags,
    referrals: { signups: await users.countReferredBy(user.id) },
    sessions: await listSessions(deps.stores.sessions, user.id, sid, deps.secret),
    testimonials: await testimonials.byAuthor(user.id),
  };
}

export async function updateAccount(deps: AccountDeps, req: Request, input: { currentPassword: string; email?: string; newPassword?: string }): Promise<UserRecord> {
  const user = req.user!;
  await checkPassword(deps, user, input.currentPassword, 'currentPassword');
  const patch: { email?: string; passwordHash?: string } = {};
  if (input.email !== undefined) patch.email = input.email;
  if (input.newPassword !== undefined) patch.passwordHash = await hashPassword(input.newPassword);
  const updated = (await deps.stores.users.update(user.id, patch)) ?? user;
  if (input.newPassword !== undefined) {
    // A new password signs out every other session, and their sockets.
    for (const sid of await endOtherSessions(deps.stores.sessions, user.id, req.sessionID)) deps.realtime()?.disconnectSession(sid);
  }
  return updated;
}

export async function signOutOthers(deps: AccountDeps, req: Request): Promise<number> {
  const ended = await endOtherSessions(deps.stores.sessions, req.user!.id, req.sessionID);
  for (const sid of ended) deps.realtime()?.disconnectSession(sid);
  return ended.length;
}

/**
 * Deletes the account: posts removed (content purged) or kept under "former member"; threads,
 * flags, testimonials, sessions and sockets, the author indexes, and last the profile itself, so
 * a failure part-way leaves an account that can simply be deleted again.
 */
export async function deleteAccount(deps: AccountDeps, req: Request, input: { password: string; posts: 'remove' | 'anonymize' }): Promise<void> {
  const user = req.user!;
  await checkPassword(deps, user, input.password, 'password');
  const { forum, testimonials, sessions, users } = deps.stores;
  const now = new Date().toISOString();
  for (const id of await forum.postIdsByAuthor(user.id)) {
    const post = await forum.getPost(id);
    if (!post || post.authorId !== user.id) continue;
    const remove = input.posts === 'remove';
    const visible = post.status === 'visible';
    const res = await forum.mutatePost(id, {
      patch: remove
        ? { authorId: null, status: 'removed', source: null, html: null, purged: true, removal: post.removal ?? { byId: user.id, reason: 'deleted by its author', at: now } }
        : { authorId: null },
      countDelta: remove && visible ? -1 : 0,
      events: remove
        ? [{ event: 'post:removed', audience: post.status === 'held' ? 'privileged' : 'all' }]
        : [{ event: 'post:updated', audience: post.status === 'held' ? 'privileged' : 'all' }],
    });
    if (res.ok) await deps.publisher.postEvent({ ...(remove ? { event: 'post:removed' as const } : { event: 'post:updated' as const }), audience: post.status === 'held' ? 'privileged' : 'all', seq: res.seqs[0]!, postId: id }, res.post);
  }
  // A thread title is the author's words too: removal takes it with the posts.
  for (const id of await forum.threadIdsByAuthor(user.id)) {
    await forum.patchThread(id, input.posts === 'remove' ? { authorId: null, title: '(title removed by its author)' } : { authorId: null });
  }
  await forgetFlagger(deps.moderation, user);
  for (const t of await testimonials.byAuthor(user.id)) await testimonials.delete(t.id);
  await forum.forgetAuthor(user.id);
  await endOtherSessions(sessions, user.id);
  deps.realtime()?.disconnectUser(user.id);
  await users.delete(user.id);
}
