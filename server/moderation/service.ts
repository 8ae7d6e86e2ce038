// Moderating posts (API.md, Moderation): remove, restore, purge, approve, flag, resolve a flag, and
// the review queue they keep in step. Every "may they?" is the policy's; every event goes out
// through the publisher.
import { authorize } from '../auth/policy.js';
import { Conflict, NotFound, RateLimited } from '../errors.js';
import { newId } from '../store/ids.js';
import type { AuditAction, AuditRecord } from '../store/moderation.js';
import type { PostMutation, PostRecord, PostStatus, RemovalRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { toPostView, userIdsOf } from '../forum/views.js';
import { toFlagView } from './views.js';
import { isoNow, type ModerationDeps } from './deps.js';

export type { ModerationDeps } from './deps.js';

const MOD = { id: '', role: 'moderator' as const };

/**
 * The one place audit entries are written; each is shown live on every moderator's dashboard.
 * `flaggerId`: the member whose flag reason `reason` is (erased if they delete their account).
 */
export async function audit(deps: ModerationDeps, actor: Pick<UserRecord, 'id'>, action: AuditAction, target: AuditRecord['target'], reason: string, flaggerId?: string): Promise<void> {
  const entry: AuditRecord = { id: newId(), at: isoNow(deps), actorId: actor.id, action, target, reason, ...(flaggerId ? { flaggerId } : {}) };
  await deps.moderation.appendAudit(entry);
  await deps.publisher.auditAppended(entry);
}

/** The queue entry for a post as moderators see it, or null when it left the queue. */
export async function queueItem(deps: ModerationDeps, post: PostRecord) {
  const flags = (await deps.moderation.flagsOfPost(post.id)).filter((f) => f.status === 'open');
  if (post.status !== 'held' && flags.length === 0) return null;
  const authors = await deps.users.getMany([...userIdsOf([post]), ...flags.map((f) => f.byId)]);
  return { kind: post.status === 'held' ? 'held' as const : 'flag' as const, post: toPostView(post, MOD, authors), flags: flags.map((f) => toFlagView(f, authors, true)) };
}

/** Keeps the queue in step with a post and tells every moderator's dashboard (on every process). */
export async function syncQueue(deps: ModerationDeps, post: PostRecord): Promise<void> {
  const item = await queueItem(deps, post);
  if (item) await deps.moderation.enqueue(post.id, deps.now());
  else await deps.moderation.dequeue(post.id);
  deps.publisher.queueChanged(item ? { kind: item.kind, item } : { kind: 'resolved', item: { postId: post.id } });
}

/** One store write of a post (if it is still in the status it was read in) and its events, published. */
export async function mutate(deps: ModerationDeps, post: PostRecord, m: PostMutation): Promise<PostRecord> {
  const res = await deps.forum.mutatePost(post.id, { ifStatus: [post.status], ...m });
  if (!res.ok) throw new Conflict('The post changed meanwhile; reload it and try again.');
  await deps.publisher.postEvents(res.post, m.events ?? [], res.seqs);
  return res.post;
}

async function loadPost(deps: ModerationDeps, postId: string): Promise<PostRecord> {
  const post = await deps.forum.getPost(postId);
  if (!post) throw new NotFound('There is no such post.');
  return post;
}

const countDelta = (from: PostStatus, to: PostStatus) => (to === 'visible' ? 1 : 0) - (from === 'visible' ? 1 : 0);

/**
 * What purging a post writes, for a moderator's purge and a departing author's removal alike: its
 * content gone for good, removed (an earlier removal kept, else `removal`), and the thread's count
 * of visible posts one less if it was visible.
 */
export function purgeOf(post: PostRecord, removal: RemovalRecord): Required<Pick<PostMutation, 'patch' | 'countDelta'>> {
  return {
    patch: { status: 'removed', source: null, html: null, purged: true, removal: post.removal ?? removal },
    countDelta: countDelta(post.status, 'removed'),
  };
}

export async function resolveOpenFlags(deps: ModerationDeps, actor: Pick<UserRecord, 'id'>, postId: string, status: 'dismissed' | 'actioned') {
  const open = (await deps.moderation.flagsOfPost(postId)).filter((f) => f.status === 'open');
  return deps.moderation.resolveFlags(open.map((f) => f.id), status, actor.id, isoNow(deps));
}

/** `flaggerId`: the reason is that member's flag reason (a removal on their flag). */
export async function removePost(deps: ModerationDeps, actor: UserRecord, postId: string, reason: string, opts: { audit?: boolean; flaggerId?: string } = {}): Promise<PostRecord> {
  authorize(actor, 'moderate');
  const post = await loadPost(deps, postId);
  if (post.status === 'removed') throw new Conflict('This post is removed already.');
  const removed = await mutate(deps, post, {
    patch: { status: 'removed', removal: { byId: actor.id, reason, at: isoNow(deps), ...(opts.flaggerId ? { flaggerId: opts.flaggerId } : {}) } },
    countDelta: countDelta(post.status, 'removed'),
    events: [{ event: 'post:removed', audience: 'all' }],
  });
  await resolveOpenFlags(deps, actor, postId, 'actioned');
  if (opts.audit !== false) await audit(deps, actor, 'post.remove', { kind: 'post', id: postId }, reason, opts.flaggerId);
  await syncQueue(deps, removed);
  return removed;
}

export async function restorePost(deps: ModerationDeps, actor: UserRecord, postId: string, reason: string): Promise<PostRecord> {
  authorize(actor, 'moderate');
  const post = await loadPost(deps, postId);
  if (post.status !== 'removed') throw new Conflict('Only a removed post can be restored.');
  if (post.purged) throw new Conflict('This post was purged; its content is gone for good.');
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
  authorize(actor, 'moderate');
  const post = await loadPost(deps, postId);
  const wasRemoved = post.status === 'removed';
  const purged = await mutate(deps, post, {
    ...purgeOf(post, { byId: actor.id, reason, at: isoNow(deps) }),
    events: [wasRemoved ? { event: 'post:updated', audience: 'privileged' } : { event: 'post:removed', audience: 'all' }],
  });
  await resolveOpenFlags(deps, actor, postId, 'actioned');
  await audit(deps, actor, 'post.purge', { kind: 'post', id: postId }, reason);
  await syncQueue(deps, purged);
}

export async function approvePost(deps: ModerationDeps, actor: UserRecord, postId: string): Promise<PostRecord> {
  authorize(actor, 'moderate');
  const post = await loadPost(deps, postId);
  if (post.status !== 'held') throw new Conflict('Only a held post can be approved.');
  // News to the public (post:created), an update to those who saw it held all along.
  const approved = await mutate(deps, post, { patch: { status: 'visible', heldReason: null }, countDelta: 1, events: [{ event: 'post:created', audience: 'public' }] });
  await resolveOpenFlags(deps, actor, postId, 'dismissed');
  const thread = await deps.forum.getThread(post.threadId);
  if (thread?.held) {
    const shown = await deps.forum.patchThread(thread.id, { held: false });
    if (shown) deps.publisher.threadEvent('thread:created', shown, await deps.users.getMany(shown.authorId ? [shown.authorId] : []));
    if (shown) await deps.publisher.threadChanged(shown);
  }
  await audit(deps, actor, 'post.approve', { kind: 'post', id: postId }, '');
  await syncQueue(deps, approved);
  return approved;
}

export async function flagPost(deps: ModerationDeps, member: UserRecord, postId: string, reason: string) {
  authorize(member, 'write:verified', { requireVerifiedEmail: deps.config.requireVerifiedEmail === true });
  const post = await deps.forum.getPost(postId);
  if (!post) throw new NotFound('There is no such post.');
  authorize(member, 'post:flag', { post, thread: await deps.forum.getThread(post.threadId) });
  if (post.status !== 'visible') throw new Conflict('This post is already with the moderators.');
  // Counted first, in one atomic step: a burst of flags cannot all pass a check made before any counted.
  const hit = await deps.flagLimiter.consume(member.id);
  if (!hit.allowed) throw new RateLimited(hit.retryAfterSeconds);
  const flag = { id: newId(), postId, threadId: post.threadId, byId: member.id, reason, createdAt: isoNow(deps), status: 'open' as const, resolvedAt: null, resolvedById: null };
  const res = await deps.moderation.addFlag(flag).catch(async (err: unknown) => {
    await hit.refund();
    throw err;
  });
  if (!res.ok) {
    await hit.refund(); // a repeated flag is not a new one
    throw new Conflict('You have flagged this post already.');
  }
  let current = post;
  if (res.openFlaggers >= deps.config.flagsToHide) {
    // Auto-hide: gone for the public (ids only), held for moderators and the author. Lost to a
    // concurrent change, it is simply not hidden: the flag stands and the queue shows it.
    current = await mutate(deps, post, {
      patch: { status: 'held', heldReason: 'flags' }, countDelta: -1,
      events: [{ event: 'post:removed', audience: 'public' }, { event: 'post:updated', audience: 'privileged' }],
    }).catch((err: unknown) => {
      if (err instanceof Conflict) return post;
      throw err;
    });
  }
  await syncQueue(deps, current);
  return toFlagView(flag, new Map(), false);
}

export async function resolveFlag(deps: ModerationDeps, actor: UserRecord, flagId: string, action: 'dismiss' | 'remove') {
  authorize(actor, 'moderate');
  const flag = await deps.moderation.getFlag(flagId);
  if (!flag) throw new NotFound('There is no such flag.');
  if (flag.status !== 'open') throw new Conflict('This flag is resolved already.');
  let result;
  if (action === 'remove') {
    const post = await removePost(deps, actor, flag.postId, flag.reason, { flaggerId: flag.byId });
    result = { flag: { ...flag, status: 'actioned' as const }, post };
  } else {
    const [resolved] = await deps.moderation.resolveFlags([flagId], 'dismissed', actor.id, isoNow(deps));
    await audit(deps, actor, 'flag.dismiss', { kind: 'post', id: flag.postId }, flag.reason, flag.byId);
    const post = await loadPost(deps, flag.postId);
    await syncQueue(deps, post);
    result = { flag: resolved ?? flag, post };
  }
  return { ...result, authors: await deps.users.getMany([...userIdsOf([result.post]), flag.byId]) };
}
