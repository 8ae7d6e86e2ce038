import type { PiiType } from '../../shared/pii/index.js';
import type { Config } from '../config.js';
import { preparePost, previewPost, type Prepared } from '../content/pipeline.js';
import { mentionedNames } from '../content/mentions.js';
import { Conflict, isRefusal, NotFound, RateLimited } from '../errors.js';
import { authorize, isStaff } from '../auth/policy.js';
import { newId } from '../store/ids.js';
import type { Limiter, LimitResult } from '../store/rate-limit.js';
import type { ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { ThreadPublisher } from './publish.js';
import { userIdsOf } from './views.js';

/** The ports the forum's writes use: just these operations, so the service can be read and tested alone. */
export interface ForumDeps {
  forum: Pick<ForumStore, 'getForum' | 'getThread' | 'getPost' | 'createThread' | 'addPost' | 'mutatePost' | 'countPostsByAuthor'>;
  users: Pick<UserStore, 'getMany' | 'findByUsernames'>;
  config: Pick<Config, 'piiSeverity' | 'holdAcknowledgedPii' | 'holdFirstPosts'> & Partial<Pick<Config, 'requireVerifiedEmail'>>;
  publisher: Pick<ThreadPublisher, 'postEvent' | 'threadEvent'>;
  postLimiter: Limiter;
  /** Previews per member per minute (each one renders, sanitizes and scans a body). */
  previewLimiter: Limiter;
  now: () => number;
  /** A post entered the review queue (held by a rule): the moderators' queue hears of it. */
  onHeld?: (post: PostRecord) => Promise<void>;
}

type Draft = { body: string; acknowledgePii: PiiType[]; maskPii?: PiiType[] };
const iso = (deps: Pick<ForumDeps, 'now'>) => new Date(deps.now()).toISOString();

/**
 * Flood control: counts the write up front (one store call) and refuses before any work when the
 * author's minute is used up; a write refused later (a refusal, not an outage) gives the point back.
 */
async function counted<T>(taken: LimitResult | Promise<LimitResult>, write: () => Promise<T>): Promise<T> {
  const rate = await taken;
  if (!rate.allowed) throw new RateLimited(rate.retryAfterSeconds);
  try {
    return await write();
  } catch (err) {
    if (isRefusal(err)) await rate.refund().catch(() => {});
    throw err;
  }
}

/** Review-queue rules (off by default): the first N posts of an account, acknowledged personal data. */
async function holdReason(deps: ForumDeps, user: UserRecord, piiTypes: PiiType[]): Promise<string | null> {
  if (isStaff(user)) return null;
  if (piiTypes.some((t) => deps.config.holdAcknowledgedPii.has(t))) return 'pii';
  if (deps.config.holdFirstPosts > 0) {
    const n = await deps.forum.countPostsByAuthor(user.id);
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

/** The members a body mentions, by lowercased name, in one look-up; none asked for when no `@` is written. */
async function mentionable(deps: Pick<ForumDeps, 'users'>, body: string): Promise<Map<string, UserRecord>> {
  const names = mentionedNames(body);
  return names.length ? deps.users.findByUsernames(names) : new Map();
}

/** What the renderer links to: lowercased name → the username as the member spells it. */
const spelled = (members: Map<string, UserRecord>) => new Map([...members].map(([name, u]) => [name, u.username]));

/** The ids of the members the published HTML links as mentioned (for the notifier; nobody is told here). */
const mentionedIdsOf = (members: Map<string, UserRecord>, prepared: Pick<Prepared, 'mentioned'>) =>
  prepared.mentioned.flatMap((name) => members.get(name)?.id ?? []);

/** REQUIRE_VERIFIED_EMAIL, asked of the policy by every post, reply and edit. */
const verified = (deps: ForumDeps) => ({ requireVerifiedEmail: deps.config.requireVerifiedEmail === true });

export async function startThread(deps: ForumDeps, user: UserRecord, forumId: string, input: Draft & { title: string }) {
  authorize(user, 'write:verified', verified(deps));
  const forum = await deps.forum.getForum(forumId);
  if (!forum) throw new NotFound('There is no such forum.');
  authorize(user, 'forum:post', forum);
  return counted(deps.postLimiter.consume(user.id), () => writeThread(deps, user, forumId, input));
}

async function writeThread(deps: ForumDeps, user: UserRecord, forumId: string, input: Draft & { title: string }) {
  const members = await mentionable(deps, input.body);
  const prepared = preparePost({ title: input.title, body: input.body, acknowledge: input.acknowledgePii, mask: input.maskPii }, deps.config.piiSeverity, spelled(members));
  const held = await holdReason(deps, user, prepared.piiTypes);
  const now = iso(deps);
  const thread: ThreadRecord = {
    id: newId(), forumId, title: prepared.title!, authorId: user.id, createdAt: now, lastPostAt: now,
    postCount: held ? 0 : 1, locked: false, held: !!held,
  };
  const post = newPost(user, thread, prepared, held, now);
  const audience = held ? 'privileged' : 'all';
  const seq = await deps.forum.createThread(thread, post, { event: 'post:created', audience });
  post.seq = seq;
  const authors = new Map([[user.id, user]]);
  await deps.publisher.postEvent({ seq, event: 'post:created', audience, postId: post.id }, post, authors, thread);
  if (!held) deps.publisher.threadEvent('thread:created', thread, authors);
  else await deps.onHeld?.(post);
  return { thread, post, authors, mentionedIds: mentionedIdsOf(members, prepared) };
}

// Each write waits on Redis several times in a row, so independent reads and writes go out
// together: under load the request's latency, not the CPU, is what limits throughput.
export async function reply(deps: ForumDeps, user: UserRecord, threadId: string, input: Draft) {
  authorize(user, 'write:verified', verified(deps));
  const [thread, rate] = await Promise.all([deps.forum.getThread(threadId), deps.postLimiter.consume(user.id)]);
  return counted(rate, () => writeReply(deps, user, thread, input));
}

async function writeReply(deps: ForumDeps, user: UserRecord, thread: ThreadRecord | null, input: Draft) {
  if (!thread) throw new NotFound('There is no such thread.');
  const [forum, members] = await Promise.all([deps.forum.getForum(thread.forumId), mentionable(deps, input.body)]);
  authorize(user, 'thread:reply', { ...thread, forumArchived: !!forum?.archived });
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii, mask: input.maskPii }, deps.config.piiSeverity, spelled(members));
  const held = await holdReason(deps, user, prepared.piiTypes);
  const post = newPost(user, thread, prepared, held, iso(deps));
  const audience = held ? 'privileged' : 'all';
  const res = await deps.forum.addPost(post, { event: 'post:created', audience }, { ignoreLock: isStaff(user) });
  // The store checks removal and lock again, atomically with the write: a change that won the race
  // refuses it, with the policy's answer for the thread as it is now.
  if (!res.ok) {
    if (res.reason === 'no_thread') throw new NotFound('There is no such thread.');
    const now: ThreadRecord = res.reason === 'locked' ? { ...thread, locked: true } : { ...thread, removal: thread.removal ?? { byId: '', reason: '', at: '' } };
    authorize(user, 'thread:reply', now);
    throw new Conflict('The thread changed meanwhile; reload it and try again.');
  }
  post.seq = res.seq;
  const authors = new Map([[user.id, user]]);
  const updated = res.thread;
  await Promise.all([
    deps.publisher.postEvent({ seq: res.seq, event: 'post:created', audience, postId: post.id }, post, authors, updated),
    held ? deps.onHeld?.(post) : undefined,
  ]);
  if (!held && !updated.held) {
    const starter = updated.authorId && !authors.has(updated.authorId) ? await deps.users.getMany([updated.authorId]) : authors;
    deps.publisher.threadEvent('thread:updated', updated, starter);
  }
  return { post, thread: updated, authors, mentionedIds: mentionedIdsOf(members, prepared) };
}

export async function editPost(deps: ForumDeps, user: UserRecord, postId: string, input: Draft) {
  authorize(user, 'write:verified', verified(deps));
  const post = await deps.forum.getPost(postId);
  if (!post) throw new NotFound('There is no such post.');
  const [thread, forum] = await Promise.all([deps.forum.getThread(post.threadId), deps.forum.getForum(post.forumId)]);
  authorize(user, 'post:edit', { post, thread, forumArchived: !!forum?.archived });
  return counted(deps.postLimiter.consume(user.id), async () => {
    const { edited, mentionedIds, newlyMentionedIds } = await writeEdit(deps, post, input);
    return { post: edited, authors: await deps.users.getMany(userIdsOf([edited])), mentionedIds, newlyMentionedIds };
  });
}

async function writeEdit(deps: ForumDeps, post: PostRecord, input: Draft) {
  const postId = post.id;
  const members = await mentionable(deps, input.body);
  const prepared = preparePost({ body: input.body, acknowledge: input.acknowledgePii, mask: input.maskPii }, deps.config.piiSeverity, spelled(members));
  const audience = post.status === 'held' ? 'privileged' : 'all';
  const res = await deps.forum.mutatePost(postId, {
    patch: { source: prepared.source, html: prepared.html, piiTypes: prepared.piiTypes, editedAt: iso(deps) },
    ifStatus: [post.status],
    events: [{ event: 'post:updated', audience }],
  });
  if (!res.ok) throw new Conflict('The post changed meanwhile; reload it and try again.');
  await deps.publisher.postEvent({ seq: res.seqs[0]!, event: 'post:updated', audience, postId }, res.post);
  // An edit mentions anew only the names the version it replaces did not (a fix of a typo should not
  // tell everyone named in the post again).
  const before = new Set(mentionedNames(post.source ?? ''));
  const mentionedIds = mentionedIdsOf(members, prepared);
  const newlyMentionedIds = mentionedIdsOf(members, { mentioned: prepared.mentioned.filter((n) => !before.has(n)) });
  return { edited: res.post, mentionedIds, newlyMentionedIds };
}

/** What the post would look like, and what the scan finds, without storing anything. */
export async function preview(deps: ForumDeps, user: UserRecord, { body, maskPii }: { body: string; maskPii?: PiiType[] }) {
  authorize(user, 'write');
  const hit = await deps.previewLimiter.consume(user.id);
  if (!hit.allowed) throw new RateLimited(hit.retryAfterSeconds);
  return previewPost(body, deps.config.piiSeverity, maskPii, spelled(await mentionable(deps, body)));
}
