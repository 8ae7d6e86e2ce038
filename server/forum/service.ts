import type { PiiType } from '../../shared/pii/index.js';
import type { Config } from '../config.js';
import { preparePost } from '../content/pipeline.js';
import { ApiError, errors } from '../http/errors.js';
import type { Stores } from '../store/index.js';
import { newId } from '../store/ids.js';
import type { Limiter } from '../store/rate-limit.js';
import type { PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { isModerator } from '../auth/users.js';
import type { ThreadPublisher } from './publish.js';
import { canSeeThread } from './views.js';

export interface ForumDeps {
  stores: Stores;
  config: Config;
  publisher: ThreadPublisher;
  postLimiter: Limiter;
  /** A post entered the review queue (held by a rule): the moderators' queue hears of it. */
  onHeld?: (post: PostRecord) => Promise<void>;
}

/**
 * Flood control: counts the write up front (one store call) and answers 429 before any work when
 * the author's minute is used up. `refund` gives the point back when the write is refused later.
 */
async function takeRate(deps: ForumDeps, user: UserRecord): Promise<{ refund: () => Promise<void> }> {
  const r = await deps.postLimiter.consume(user.id);
  if (!r.allowed) throw errors.rateLimited(r.retryAfterSeconds);
  return r;
}

/** Runs a write under flood control; a write refused by a later check does not count. */
async function counted<T>(rate: { refund: () => Promise<void> }, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) await rate.refund().catch(() => {});
    throw err;
  }
}

/** Review-queue rules (off by default): the first N posts of an account, acknowledged personal data. */
async function holdReason(deps: ForumDeps, user: UserRecord, piiTypes: PiiType[]): Promise<string | null> {
  if (isModerator(user)) return null;
  if (piiTypes.some((t) => deps.config.holdAcknowledgedPii.has(t))) return 'pii';
  if (deps.config.holdFirstPosts > 0) {
    const n = await deps.stores.forum.countPostsByAuthor(user.id);
    if (n < deps.config.holdFirstPosts) return 'new_account';
  }
  return null;
}

function newPost(user: UserRecord, thread: Pick<ThreadRecord, 'id' | 'forumId'>, p: { source: string; html: string; piiTypes: PiiType[] }, held: string | null, now: string): PostRecord {
  return {
    id: newId(), threadId: thread.id, forumId: thread.forumId, authorId: user.id, source: p.source, html: p.html,
    createdAt: now, editedAt: null, status: held ? 'held' : 'visible', piiTypes: p.piiTypes, removal: null,
    heldReason: held, purged: false,
  };
}

export async function startThread(deps: ForumDeps, user: UserRecord, forumId: string, input: { title: string; body: string; acknowledgePii: PiiType[] }) {
  const forum = await deps.stores.forum.getForum(forumId);
  if (!forum) throw errors.notFound('There is no such forum.');
  const rate = await takeRate(deps, user);
  return counted(rate, () => writeThread(deps, user, forumId, input));
}

async function writeThread(deps: ForumDeps, user: UserRecord, forumId: string, input: { title: string; body: string; acknowledgePii: PiiType[] }) {
  const prepared = preparePost({ title: input.title, body: input.body, acknowledge: input.acknowledgePii }, deps.config.piiSeverity);
  const held = await holdReason(deps, user, prepared.piiTypes);
  const now = new Date().toISOString();
  const thread: ThreadRecord = {
    id: newId(), forumId, title: prepared.title!, authorId: user.id, createdAt: now, lastPostAt: now,
    postCount: held ? 0 : 1, locked: false, held: !!held,
  };
  const post = newPost(user, thread, prepared, held, now);
  const seq = await deps.stores.forum.createThread(thread, post, { event: 'post:created', audience: held ? 'privileged' : 'all' });
  const known = new Map([[user.id, user]]);
  await deps.publisher.postEvent({ seq, event: 'post:created', audience: held ? 'privileged' : 'all', postId: post.id }, post, known, thread);
  if (!held) deps.publisher.threadEvent('thread:created', thread, known);
  else await deps.onHeld?.(post);
  return { thread, post };
}

// Each write waits on Redis several times in a row, so independent reads and writes go out
// together: under load the request's latency, not the CPU, is what limits throughput.
export async function reply(deps: ForumDeps, user: UserRecord, threadId: string, input: { body: string; acknowledgePii: PiiType[] }) {
  const [thread, rate] = await Promise.all([deps.stores.forum.getThread(threadId), takeRate(deps, user)]);
  return counted(rate, () => writeReply(deps, user, thread, input));
}

/** A removed thread takes no posts: to its moderators it says so, to everyone else it is not there. */
const threadRemoved = (user: UserRecord) =>
  isModerator(user) ? errors.conflict('This thread is removed; restore it before replying.') : errors.notFound('There is no such thread.');

async function writeReply(deps: ForumDeps, user: UserRecord, thread: ThreadRecord | null, input: { body: string; acknowledgePii: PiiType[] }) {
  if (!thread || !canSeeThread(thread, user)) throw errors.notFound('There is no such thread.');
  if (thread.removal) throw threadRemoved(user);
  if (thread.locked && !isModerator(user)) throw errors.forbidden('This thread is locked.');
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii }, deps.config.piiSeverity);
  const held = await holdReason(deps, user, prepared.piiTypes);
  const post = newPost(user, thread, prepared, held, new Date().toISOString());
  const audience = held ? 'privileged' : 'all';
  const res = await deps.stores.forum.addPost(post, { event: 'post:created', audience }, { ignoreLock: isModerator(user) });
  // The store checks removal and lock again, atomically with the write: a removal that won the race refuses it.
  if (!res.ok) throw res.reason === 'locked' ? errors.forbidden('This thread is locked.') : res.reason === 'removed' ? threadRemoved(user) : errors.notFound('There is no such thread.');
  const known = new Map([[user.id, user]]);
  const updated = res.thread;
  await Promise.all([
    deps.publisher.postEvent({ seq: res.seq, event: 'post:created', audience, postId: post.id }, post, known, updated),
    held ? deps.onHeld?.(post) : undefined,
  ]);
  if (!held && !updated.held) {
    const starter = updated.authorId && !known.has(updated.authorId) ? await deps.stores.users.getMany([updated.authorId]) : known;
    deps.publisher.threadEvent('thread:updated', updated, starter);
  }
  return { post, thread: updated };
}

export async function editPost(deps: ForumDeps, user: UserRecord, postId: string, input: { body: string; acknowledgePii: PiiType[] }) {
  const post = await deps.stores.forum.getPost(postId);
  const mod = isModerator(user);
  const own = post?.authorId === user.id;
  if (!post || (post.status === 'held' && !own && !mod)) throw errors.notFound('There is no such post.');
  const thread = await deps.stores.forum.getThread(post.threadId);
  if (thread && !canSeeThread(thread, user)) throw errors.notFound('There is no such post.');
  if (!own && !mod) throw errors.forbidden('Only the author or a moderator can edit this post.');
  if (post.status === 'removed' && !mod) throw errors.forbidden('A removed post cannot be edited.');
  if (thread?.locked && !mod) throw errors.forbidden('This thread is locked.');
  const rate = await takeRate(deps, user);
  return counted(rate, () => writeEdit(deps, post, input));
}

async function writeEdit(deps: ForumDeps, post: PostRecord, input: { body: string; acknowledgePii: PiiType[] }) {
  const postId = post.id;
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii }, deps.config.piiSeverity);
  const audience = post.status === 'held' ? 'privileged' : 'all';
  const res = await deps.stores.forum.mutatePost(postId, {
    patch: { source: prepared.source, html: prepared.html, piiTypes: prepared.piiTypes, editedAt: new Date().toISOString() },
    ifStatus: [post.status],
    events: [{ event: 'post:updated', audience }],
  });
  if (!res.ok) throw errors.conflict('The post changed meanwhile; reload it and try again.');
  await deps.publisher.postEvent({ seq: res.seqs[0]!, event: 'post:updated', audience, postId }, res.post);
  return res.post;
}
