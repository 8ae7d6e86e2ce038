import type { Config } from '../config.js';
import { errors } from '../http/errors.js';
import type { Stores } from '../store/index.js';
import { newId } from '../store/ids.js';
import type { Limiter } from '../store/rate-limit.js';
import type { AuditAction, AuditRecord } from '../store/moderation.js';
import type { EventSpec, PostMutation, PostRecord, PostStatus } from '../store/forum.js';
import type { Role, UserRecord } from '../store/users.js';
import type { ThreadPublisher } from '../forum/publish.js';
import type { Realtime } from '../realtime/index.js';
import { rooms } from '../realtime/rooms.js';
import { canSeeThread, toPostView, userIdsOf } from '../forum/views.js';
import { toFlagView } from './views.js';

export interface ModerationDeps {
  stores: Stores;
  config: Config;
  publisher: ThreadPublisher;
  realtime: () => Realtime | undefined;
  flagLimiter: Limiter;
}

const MOD = { id: '', role: 'moderator' as const };

/** `flaggerId`: the member whose flag reason `reason` is (erased if they delete their account). */
export async function audit(deps: ModerationDeps, actor: UserRecord, action: AuditAction, target: AuditRecord['target'], reason: string, flaggerId?: string): Promise<void> {
  await deps.stores.moderation.appendAudit({ id: newId(), at: new Date().toISOString(), actorId: actor.id, action, target, reason, ...(flaggerId ? { flaggerId } : {}) });
}

/** The queue entry for a post as moderators see it, or null when it left the queue. */
export async function queueItem(deps: ModerationDeps, post: PostRecord) {
  const flags = (await deps.stores.moderation.flagsOfPost(post.id)).filter((f) => f.status === 'open');
  if (post.status !== 'held' && flags.length === 0) return null;
  const authors = await deps.stores.users.getMany([...userIdsOf([post]), ...flags.map((f) => f.byId)]);
  return { kind: post.status === 'held' ? 'held' : 'flag', post: toPostView(post, MOD, authors), flags: flags.map((f) => toFlagView(f, authors, true)) };
}

/** Keeps the queue in step with a post and tells every moderator's dashboard (on every process). */
export async function syncQueue(deps: ModerationDeps, post: PostRecord): Promise<void> {
  const item = await queueItem(deps, post);
  if (item) await deps.stores.moderation.enqueue(post.id, Date.now());
  else await deps.stores.moderation.dequeue(post.id);
  deps.realtime()?.io.to(rooms.mods).emit('mod:queue', item ? { kind: item.kind, item } : { kind: 'resolved', item: { postId: post.id } });
}

async function mutate(deps: ModerationDeps, post: PostRecord, m: PostMutation): Promise<PostRecord> {
  const res = await deps.stores.forum.mutatePost(post.id, { ifStatus: [post.status], ...m });
  if (!res.ok) throw errors.conflict('The post changed meanwhile; reload it and try again.');
  const events = m.events ?? [];
  for (let i = 0; i < events.length; i++) {
    await deps.publisher.postEvent({ ...(events[i] as Omit<EventSpec, 'postId'>), seq: res.seqs[i]!, postId: post.id }, res.post);
  }
  return res.post;
}

async function loadPost(deps: ModerationDeps, postId: string): Promise<PostRecord> {
  const post = await deps.stores.forum.getPost(postId);
  if (!post) throw errors.notFound('There is no such post.');
  return post;
}

const countDelta = (from: PostStatus, to: PostStatus) => (to === 'visible' ? 1 : 0) - (from === 'visible' ? 1 : 0);

async function resolveOpenFlags(deps: ModerationDeps, actor: UserRecord, postId: string, status: 'dismissed' | 'actioned') {
  const open = (await deps.stores.moderation.flagsOfPost(postId)).filter((f) => f.status === 'open');
  return deps.stores.moderation.resolveFlags(open.map((f) => f.id), status, actor.id, new Date().toISOString());
}

/** `flaggerId`: the reason is that member's flag reason (a removal on their flag). */
export async function removePost(deps: ModerationDeps, actor: UserRecord, postId: string, reason: string, opts: { audit?: boolean; flaggerId?: string } = {}): Promise<PostRecord> {
  const post = await loadPost(deps, postId);
  if (post.status === 'removed') throw errors.conflict('This post is removed already.');
  const removed = await mutate(deps, post, {
    patch: { status: 'removed', removal: { byId: actor.id, reason, at: new Date().toISOString(), ...(opts.flaggerId ? { flaggerId: opts.flaggerId } : {}) } },
    countDelta: countDelta(post.status, 'removed'),
    events: [{ event: 'post:removed', audience: 'all' }],
  });
  await resolveOpenFlags(deps, actor, postId, 'actioned');
  if (opts.audit !== false) await audit(deps, actor, 'post.remove', { kind: 'post', id: postId }, reason, opts.flaggerId);
  await syncQueue(deps, removed);
  return removed;
}

export async function restorePost(deps: ModerationDeps, actor: UserRecord, postId: string, reason: string): Promise<PostRecord> {
  const post = await loadPost(deps, postId);
  if (post.status !== 'removed') throw errors.conflict('Only a removed post can be restored.');
  if (post.purged) throw errors.conflict('This post was purged; its content is gone for good.');
  const restored = await mutate(deps, post, {
    patch: { status: 'visible', removal: null },
    countDelta: 1,
    events: [{ event: 'post:restored', audience: 'all' }],
  });
  await audit(deps, actor, 'post.restore', { kind: 'post', id: postId }, reason);
  return restored;
}

/** Content gone for good, whatever the status: the tombstone and the audit entry stay. */
export async function purgePost(deps: ModerationDeps, actor: UserRecord, postId: string, reason: string): Promise<void> {
  const post = await loadPost(deps, postId);
  const wasRemoved = post.status === 'removed';
  const purged = await mutate(deps, post, {
    patch: {
      status: 'removed', source: null, html: null, purged: true,
      removal: post.removal ?? { byId: actor.id, reason, at: new Date().toISOString() },
    },
    countDelta: countDelta(post.status, 'removed'),
    events: [wasRemoved ? { event: 'post:updated', audience: 'privileged' } : { event: 'post:removed', audience: 'all' }],
  });
  await resolveOpenFlags(deps, actor, postId, 'actioned');
  await audit(deps, actor, 'post.purge', { kind: 'post', id: postId }, reason);
  await syncQueue(deps, purged);
}

export async function approvePost(deps: ModerationDeps, actor: UserRecord, postId: string): Promise<PostRecord> {
  const post = await loadPost(deps, postId);
  if (post.status !== 'held') throw errors.conflict('Only a held post can be approved.');
  // News to the public (post:created), an update to those who saw it held all along.
  const approved = await mutate(deps, post, { patch: { status: 'visible', heldReason: null }, countDelta: 1, events: [{ event: 'post:created', audience: 'public' }] });
  await resolveOpenFlags(deps, actor, postId, 'dismissed');
  const thread = await deps.stores.forum.getThread(post.threadId);
  if (thread?.held) {
    const shown = await deps.stores.forum.patchThread(thread.id, { held: false });
    if (shown) deps.publisher.threadEvent('thread:created', shown, await deps.stores.users.getMany(shown.authorId ? [shown.authorId] : []));
  }
  await audit(deps, actor, 'post.approve', { kind: 'post', id: postId }, '');
  await syncQueue(deps, approved);
  return approved;
}

export async function flagPost(deps: ModerationDeps, member: UserRecord, postId: string, reason: string) {
  const post = await deps.stores.forum.getPost(postId);
  if (!post || (post.status === 'held' && post.authorId !== member.id)) throw errors.notFound('There is no such post.');
  const thread = await deps.stores.forum.getThread(post.threadId);
  if (!thread || !canSeeThread(thread, member)) throw errors.notFound('There is no such post.');
  if (post.authorId === member.id) throw errors.forbidden('You cannot flag your own post.');
  if (post.status !== 'visible') throw errors.conflict('This post is already with the moderators.');
  // Counted first, in one atomic step: a burst of flags cannot all pass a check made before any counted.
  const hit = await deps.flagLimiter.consume(member.id);
  if (!hit.allowed) throw errors.rateLimited(hit.retryAfterSeconds);
  const flag = { id: newId(), postId, threadId: post.threadId, byId: member.id, reason, createdAt: new Date().toISOString(), status: 'open' as const, resolvedAt: null, resolvedById: null };
  const res = await deps.stores.moderation.addFlag(flag).catch(async (err: unknown) => {
    await hit.refund();
    throw err;
  });
  if (!res.ok) {
    await hit.refund(); // a repeated flag is not a new one
    throw errors.conflict('You have flagged this post already.');
  }
  let current = post;
  if (res.openFlaggers >= deps.config.flagsToHide) {
    // Auto-hide: gone for the public (ids only), held for moderators and the author.
    const r = await deps.stores.forum.mutatePost(postId, {
      patch: { status: 'held', heldReason: 'flags' }, ifStatus: ['visible'], countDelta: -1,
      events: [{ event: 'post:removed', audience: 'public' }, { event: 'post:updated', audience: 'privileged' }],
    });
    if (r.ok) {
      current = r.post;
      await deps.publisher.postEvent({ seq: r.seqs[0]!, event: 'post:removed', audience: 'public', postId }, r.post);
      await deps.publisher.postEvent({ seq: r.seqs[1]!, event: 'post:updated', audience: 'privileged', postId }, r.post);
    }
  }
  await syncQueue(deps, current);
  return toFlagView(flag, new Map(), false);
}

export async function resolveFlag(deps: ModerationDeps, actor: UserRecord, flagId: string, action: 'dismiss' | 'remove') {
  const flag = await deps.stores.moderation.getFlag(flagId);
  if (!flag) throw errors.notFound('There is no such flag.');
  if (flag.status !== 'open') throw errors.conflict('This flag is resolved already.');
  if (action === 'remove') {
    const post = await removePost(deps, actor, flag.postId, flag.reason, { flaggerId: flag.byId });
    return { flag: { ...flag, status: 'actioned' as const }, post };
  }
  const [resolved] = await deps.stores.moderation.resolveFlags([flagId], 'dismissed', actor.id, new Date().toISOString());
  await audit(deps, actor, 'flag.dismiss', { kind: 'post', id: flag.postId }, flag.reason, flag.byId);
  const post = await loadPost(deps, flag.postId);
  await syncQueue(deps, post);
  return { flag: resolved ?? flag, post };
}

const RANK: Record<Role, number> = { member: 0, moderator: 1, admin: 2 };

async function loadTarget(deps: ModerationDeps, actor: UserRecord, userId: string): Promise<UserRecord> {
  const user = await deps.stores.users.get(userId);
  if (!user) throw errors.notFound('There is no such user.');
  if (user.id === actor.id) throw errors.forbidden('You cannot do that to your own account.');
  if (RANK[user.role] >= RANK[actor.role]) throw errors.forbidden('Only someone of a higher role can do that to this account.');
  return user;
}

export async function banUser(deps: ModerationDeps, actor: UserRecord, userId: string, reason: string, until: string | null) {
  const target = await loadTarget(deps, actor, userId);
  const updated = await deps.stores.users.update(target.id, { ban: { reason, by: actor.id, at: new Date().toISOString(), until } });
  // Closes every open connection of the user on every process (through the adapter).
  deps.realtime()?.disconnectUser(target.id);
  await audit(deps, actor, 'user.ban', { kind: 'user', id: target.id }, until ? `${reason} (until ${until})` : reason);
  return updated!;
}

export async function unbanUser(deps: ModerationDeps, actor: UserRecord, userId: string) {
  const target = await loadTarget(deps, actor, userId);
  const updated = await deps.stores.users.update(target.id, { ban: null });
  await audit(deps, actor, 'user.unban', { kind: 'user', id: target.id }, '');
  return updated!;
}

export async function removeUserPosts(deps: ModerationDeps, actor: UserRecord, userId: string, reason: string): Promise<number> {
  const target = await loadTarget(deps, actor, userId);
  let removed = 0;
  for (const id of await deps.stores.forum.postIdsByAuthor(target.id)) {
    const post = await deps.stores.forum.getPost(id);
    if (!post || post.status === 'removed') continue;
    try {
      await removePost(deps, actor, id, reason, { audit: false });
      removed++;
    } catch (err) {
      if ((err as { code?: string }).code !== 'conflict') throw err; // removed meanwhile by someone else
    }
  }
  await audit(deps, actor, 'user.remove_posts', { kind: 'user', id: target.id }, `${reason} (${removed} posts)`);
  return removed;
}

export async function setThreadLocked(deps: ModerationDeps, actor: UserRecord, threadId: string, locked: boolean) {
  const thread = await deps.stores.forum.patchThread(threadId, { locked });
  if (!thread) throw errors.notFound('There is no such thread.');
  await audit(deps, actor, locked ? 'thread.lock' : 'thread.unlock', { kind: 'thread', id: threadId }, '');
  const authors = await deps.stores.users.getMany(thread.authorId ? [thread.authorId] : []);
  deps.publisher.threadEvent('thread:updated', thread, authors);
  deps.publisher.threadWatchersEvent(thread, authors);
  return thread;
}

export async function setRole(deps: ModerationDeps, actor: UserRecord, userId: string, role: Role) {
  const user = await deps.stores.users.get(userId);
  if (!user) throw errors.notFound('There is no such user.');
  if (user.id === actor.id) throw errors.forbidden('You cannot change your own role.');
  const updated = await deps.stores.users.update(user.id, { role });
  // Sockets carry the role they connected with: close them so they come back with the new one.
  deps.realtime()?.disconnectUser(user.id);
  await audit(deps, actor, 'user.role', { kind: 'user', id: user.id }, `${user.role} → ${role}`);
  return updated!;
}
