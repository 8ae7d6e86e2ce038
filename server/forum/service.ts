import type { PiiType } from '../../shared/pii/index.js';
import type { Config } from '../config.js';
import { preparePost } from '../content/pipeline.js';
import { errors } from '../http/errors.js';
import type { Stores } from '../store/index.js';
import { newId } from '../store/ids.js';
import type { Limiter } from '../store/rate-limit.js';
import type { PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { isModerator } from '../auth/users.js';
import type { ThreadPublisher } from './publish.js';

export interface ForumDeps {
  stores: Stores;
  config: Config;
  publisher: ThreadPublisher;
  postLimiter: Limiter;
  /** A post entered the review queue (held by a rule): the moderators' queue hears of it. */
  onHeld?: (post: PostRecord) => Promise<void>;
}

/** Flood control: answers 429 before any work when the author's minute is used up. */
async function checkRate(deps: ForumDeps, user: UserRecord): Promise<void> {
  const r = await deps.postLimiter.peek(user.id);
  if (!r.allowed) throw errors.rateLimited(r.retryAfterSeconds);
}

/** Review-queue rules (off by default): the first N posts of an account, acknowledged personal data. */
async function holdReason(deps: ForumDeps, user: UserRecord, piiTypes: PiiType[]): Promise<string | null> {
  if (isModerator(user)) return null;
  if (piiTypes.some((t) => deps.config.holdAcknowledgedPii.has(t))) return 'pii';
  if (deps.config.holdFirstPosts > 0) {
    const n = (await deps.stores.forum.postIdsByAuthor(user.id)).length;
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
  await checkRate(deps, user);
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
  await Promise.all([
    deps.postLimiter.consume(user.id),
    deps.publisher.postEvent({ seq, event: 'post:created', audience: held ? 'privileged' : 'all', postId: post.id }, post, known),
  ]);
  if (!held) deps.publisher.threadEvent('thread:created', thread, known);
  else await deps.onHeld?.(post);
  return { thread, post };
}

// Each write waits on Redis several times in a row, so independent reads and writes go out
// together: under load the request's latency, not the CPU, is what limits throughput.
export async function reply(deps: ForumDeps, user: UserRecord, threadId: string, input: { body: string; acknowledgePii: PiiType[] }) {
  const [thread] = await Promise.all([deps.stores.forum.getThread(threadId), checkRate(deps, user)]);
  if (!thread) throw errors.notFound('There is no such thread.');
  if (thread.locked && !isModerator(user)) throw errors.forbidden('This thread is locked.');
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii }, deps.config.piiSeverity);
  const held = await holdReason(deps, user, prepared.piiTypes);
  const post = newPost(user, thread, prepared, held, new Date().toISOString());
  const audience = held ? 'privileged' : 'all';
  const res = await deps.stores.forum.addPost(post, { event: 'post:created', audience }, { ignoreLock: isModerator(user) });
  if (!res.ok) throw res.reason === 'locked' ? errors.forbidden('This thread is locked.') : errors.notFound('There is no such thread.');
  const known = new Map([[user.id, user]]);
  const [updated] = await Promise.all([
    deps.stores.forum.getThread(threadId),
    deps.postLimiter.consume(user.id),
    deps.publisher.postEvent({ seq: res.seq, event: 'post:created', audience, postId: post.id }, post, known),
    held ? deps.onHeld?.(post) : undefined,
  ]);
  if (updated && !held && !updated.held) {
    const starter = updated.authorId && !known.has(updated.authorId) ? await deps.stores.users.getMany([updated.authorId]) : known;
    deps.publisher.threadEvent('thread:updated', updated, starter);
  }
  return { post, thread: updated ?? thread };
}

export async function editPost(deps: ForumDeps, user: UserRecord, postId: string, input: { body: string; acknowledgePii: PiiType[] }) {
  const post = await deps.stores.forum.getPost(postId);
  const mod = isModerator(user);
  const own = post?.authorId === user.id;
  if (!post || (post.status === 'held' && !own && !mod)) throw errors.notFound('There is no such post.');
  if (!own && !mod) throw errors.forbidden('Only the author or a moderator can edit this post.');
  if (post.status === 'removed' && !mod) throw errors.forbidden('A removed post cannot be edited.');
  const thread = await deps.stores.forum.getThread(post.threadId);
  if (thread?.locked && !mod) throw errors.forbidden('This thread is locked.');
  await checkRate(deps, user);
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii }, deps.config.piiSeverity);
  const audience = post.status === 'held' ? 'privileged' : 'all';
  const res = await deps.stores.forum.mutatePost(postId, {
    patch: { source: prepared.source, html: prepared.html, piiTypes: prepared.piiTypes, editedAt: new Date().toISOString() },
    ifStatus: [post.status],
    events: [{ event: 'post:updated', audience }],
  });
  if (!res.ok) throw errors.conflict('The post changed meanwhile; reload it and try again.');
  await deps.postLimiter.consume(user.id);
  await deps.publisher.postEvent({ seq: res.seqs[0]!, event: 'post:updated', audience, postId }, res.post);
  return res.post;
}
