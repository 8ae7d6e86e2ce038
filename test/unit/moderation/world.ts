import { createMemoryStores, type Stores } from '../../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../../server/store/forum.js';
import type { Role, UserRecord } from '../../../server/store/users.js';
import type { ModerationDeps } from '../../../server/moderation/deps.js';
import { flagPost, syncQueue } from '../../../server/moderation/service.js';

// A small world for testing moderation's flows alone, through their ports: memory stores, a publisher that records
// what it is asked to send, a fixed clock. No HTTP, no sockets.

export const NOW = Date.parse('2026-01-01T00:00:00Z');
export const AT = new Date(NOW).toISOString();

export type Publisher = ModerationDeps['publisher'];
/** Every call the service makes on its publisher port, in order. */
export function recordingPublisher() {
  const calls: { method: keyof Publisher; args: unknown[] }[] = [];
  const record = (method: keyof Publisher) => (...args: unknown[]) => void calls.push({ method, args });
  const publisher: Publisher = {
    postEvents: async (...args) => record('postEvents')(...args),
    queueChanged: record('queueChanged'),
    auditAppended: async (...args) => record('auditAppended')(...args),
    threadEvent: record('threadEvent'),
    threadWatchersEvent: record('threadWatchersEvent'),
    threadRemoved: record('threadRemoved'),
    threadRestored: record('threadRestored'),
    threadChanged: async (...args) => record('threadChanged')(...args),
    contentErased: async (...args) => record('contentErased')(...args),
  };
  return { publisher, calls };
}

let seq = 0;
const id = (kind: string) => `${kind}-${++seq}`;

export async function makeUser(stores: Stores, role: Role, ban: UserRecord['ban'] = null): Promise<UserRecord> {
  const n = id(role);
  const user: UserRecord = {
    id: n, username: n, email: `${n}@example.org`, passwordHash: 'x', role, createdAt: AT,
    referralCode: `ref-${n}`, referredBy: null, ban,
  };
  expect(await stores.users.create(user)).toBe(true);
  return user;
}

export const newPost = (author: UserRecord, thread: ThreadRecord, status: 'visible' | 'held' = 'visible'): PostRecord => ({
  id: id('post'), threadId: thread.id, forumId: thread.forumId, authorId: author.id, source: `words of ${author.username}`,
  html: `<p>words of ${author.username}</p>`, createdAt: AT, editedAt: null, status, piiTypes: [], removal: null,
  heldReason: status === 'held' ? 'new_account' : null, purged: false,
});

export async function startThread(stores: Stores, author: UserRecord, title: string) {
  const thread: ThreadRecord = {
    id: id('thread'), forumId: 'forum-1', title, authorId: author.id, createdAt: AT, lastPostAt: AT, postCount: 1, locked: false, held: false,
  };
  const first = newPost(author, thread);
  await stores.forum.createThread(thread, first, { event: 'post:created', audience: 'all' });
  return { thread, first };
}

export async function reply(stores: Stores, author: UserRecord, thread: ThreadRecord, status: 'visible' | 'held' = 'visible') {
  const post = newPost(author, thread, status);
  const res = await stores.forum.addPost(post, { event: 'post:created', audience: status === 'held' ? 'privileged' : 'all' });
  expect(res.ok).toBe(true);
  return post;
}

/**
 * A member who started a thread, replied visibly and held in another's thread, and flagged
 * someone else's post (which is in the review queue because of it).
 */
export async function world() {
  const stores = createMemoryStores({ secret: 'test' });
  const { publisher, calls } = recordingPublisher();
  const closed: string[] = [];
  const deps: ModerationDeps = {
    forum: stores.forum, users: stores.users, moderation: stores.moderation, publisher,
    connections: { closeUser: (u) => void closed.push(`user:${u}`), closeSession: (s) => void closed.push(`session:${s}`) },
    flagLimiter: stores.limiters.create('test-flags', 100, 60),
    config: { flagsToHide: 3 },
    now: () => NOW,
  };
  const leaver = await makeUser(stores, 'member');
  const other = await makeUser(stores, 'member');
  const own = await startThread(stores, leaver, 'A title only its author may keep');
  const theirs = await startThread(stores, other, 'Somebody else’s thread');
  const visibleReply = await reply(stores, leaver, theirs.thread);
  const heldReply = await reply(stores, leaver, theirs.thread, 'held');
  await syncQueue(deps, heldReply); // as a held post does when written (onHeld)
  const flagged = await reply(stores, other, theirs.thread);
  await flagPost(deps, leaver, flagged.id, 'looks like spam');
  expect(await stores.moderation.inQueue(flagged.id)).toBe(true);
  calls.length = 0;
  return {
    stores, deps, calls, closed, leaver, other, own, theirs, flagged, heldReply,
    leaversPosts: [own.first, visibleReply, heldReply],
    audienceOf: new Map([[own.first.id, 'all'], [visibleReply.id, 'all'], [heldReply.id, 'privileged']]),
  };
}

