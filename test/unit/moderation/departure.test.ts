import { createMemoryStores, type Stores } from '../../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../../server/store/forum.js';
import type { Role, UserRecord } from '../../../server/store/users.js';
import type { ModerationDeps } from '../../../server/moderation/deps.js';
import { eraseMemberContent } from '../../../server/moderation/departure.js';
import { flagPost, removePost, syncQueue } from '../../../server/moderation/service.js';
import { Forbidden } from '../../../server/errors.js';

// Moderation's flows tested alone, through their ports: memory stores, a publisher that records
// what it is asked to send, a fixed clock. No HTTP, no sockets.

const NOW = Date.parse('2026-01-01T00:00:00Z');
const AT = new Date(NOW).toISOString();

type Publisher = ModerationDeps['publisher'];
/** Every call the service makes on its publisher port, in order. */
function recordingPublisher() {
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

async function makeUser(stores: Stores, role: Role, ban: UserRecord['ban'] = null): Promise<UserRecord> {
  const n = id(role);
  const user: UserRecord = {
    id: n, username: n, email: `${n}@example.org`, passwordHash: 'x', role, createdAt: AT,
    referralCode: `ref-${n}`, referredBy: null, ban,
  };
  expect(await stores.users.create(user)).toBe(true);
  return user;
}

const newPost = (author: UserRecord, thread: ThreadRecord, status: 'visible' | 'held' = 'visible'): PostRecord => ({
  id: id('post'), threadId: thread.id, forumId: thread.forumId, authorId: author.id, source: `words of ${author.username}`,
  html: `<p>words of ${author.username}</p>`, createdAt: AT, editedAt: null, status, piiTypes: [], removal: null,
  heldReason: status === 'held' ? 'new_account' : null, purged: false,
});

async function startThread(stores: Stores, author: UserRecord, title: string) {
  const thread: ThreadRecord = {
    id: id('thread'), forumId: 'forum-1', title, authorId: author.id, createdAt: AT, lastPostAt: AT, postCount: 1, locked: false, held: false,
  };
  const first = newPost(author, thread);
  await stores.forum.createThread(thread, first, { event: 'post:created', audience: 'all' });
  return { thread, first };
}

async function reply(stores: Stores, author: UserRecord, thread: ThreadRecord, status: 'visible' | 'held' = 'visible') {
  const post = newPost(author, thread, status);
  const res = await stores.forum.addPost(post, { event: 'post:created', audience: status === 'held' ? 'privileged' : 'all' });
  expect(res.ok).toBe(true);
  return post;
}

/**
 * A member who started a thread, replied visibly and held in another's thread, and flagged
 * someone else's post (which is in the review queue because of it).
 */
async function world() {
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

const postEventsCalls = (calls: { method: string; args: unknown[] }[]) =>
  calls.filter((c) => c.method === 'postEvents').map((c) => {
    const [post, specs, seqs] = c.args as [PostRecord, { event: string; audience: string }[], number[]];
    return { postId: post.id, specs, seqs };
  });

describe('a member leaving, with their posts removed', () => {
  test('every post is removed with its content purged and no author, and its watchers hear post:removed', async () => {
    const w = await world();
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    for (const p of w.leaversPosts) {
      expect(await w.stores.forum.getPost(p.id)).toMatchObject({
        status: 'removed', source: null, html: null, purged: true, authorId: null,
        removal: { byId: w.leaver.id, reason: 'deleted by its author', at: AT },
      });
    }
    const events = postEventsCalls(w.calls);
    expect(events.map((e) => e.postId).sort()).toEqual(w.leaversPosts.map((p) => p.id).sort());
    for (const e of events) {
      expect(e.specs).toEqual([{ event: 'post:removed', audience: w.audienceOf.get(e.postId) }]);
      // The seq is the one the thread's log gave this removal, so a reconnecting tab catches up on it.
      const { threadId } = (await w.stores.forum.getPost(e.postId))!;
      expect((await w.stores.forum.eventsSince(threadId, 0)).events)
        .toContainEqual({ seq: e.seqs[0], postId: e.postId, event: 'post:removed', audience: w.audienceOf.get(e.postId) });
    }
  });

  test('the thread counts drop by the visible posts only, and the title they wrote is replaced', async () => {
    const w = await world();
    const before = (await w.stores.forum.getThread(w.theirs.thread.id))!.postCount;
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    expect(await w.stores.forum.getThread(w.own.thread.id)).toMatchObject({ title: '(title removed by its author)', authorId: null, postCount: 0 });
    expect(await w.stores.forum.getThread(w.theirs.thread.id)).toMatchObject({ title: 'Somebody else’s thread', authorId: w.other.id, postCount: before - 1 });
    expect(await w.stores.forum.postIdsByAuthor(w.leaver.id)).toEqual([]);
  });

  test("their flags are gone and the review queue, stored and live, drops the post they alone flagged", async () => {
    const w = await world();
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    expect(await w.stores.moderation.flagsByMember(w.leaver.id)).toEqual([]);
    expect(await w.stores.moderation.flagsOfPost(w.flagged.id)).toEqual([]);
    expect(await w.stores.moderation.inQueue(w.flagged.id)).toBe(false);
    expect(w.calls.filter((c) => c.method === 'queueChanged').map((c) => c.args[0]))
      .toContainEqual({ kind: 'resolved', item: { postId: w.flagged.id } });
  });

  test('a post a moderator had removed keeps that removal, and its content is purged', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    const [target] = w.leaversPosts;
    await removePost(w.deps, mod, target!.id, 'off topic');
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    expect(await w.stores.forum.getPost(target!.id)).toMatchObject({
      status: 'removed', source: null, html: null, purged: true, authorId: null, removal: { byId: mod.id, reason: 'off topic' },
    });
  });
});

describe('a member leaving, with their posts kept anonymously', () => {
  test('every post keeps its content and status with no author, and its watchers hear post:updated', async () => {
    const w = await world();
    await eraseMemberContent(w.deps, w.leaver, 'anonymize');
    for (const p of w.leaversPosts) {
      expect(await w.stores.forum.getPost(p.id)).toEqual({ ...p, authorId: null, seq: expect.any(Number) });
    }
    const events = postEventsCalls(w.calls);
    expect(events.map((e) => e.postId).sort()).toEqual(w.leaversPosts.map((p) => p.id).sort());
    for (const e of events) expect(e.specs).toEqual([{ event: 'post:updated', audience: w.audienceOf.get(e.postId) }]);
  });

  test('their thread keeps its title without an author, and their flags are gone', async () => {
    const w = await world();
    await eraseMemberContent(w.deps, w.leaver, 'anonymize');
    expect(await w.stores.forum.getThread(w.own.thread.id)).toMatchObject({ title: 'A title only its author may keep', authorId: null, postCount: 1 });
    expect(await w.stores.moderation.flagsByMember(w.leaver.id)).toEqual([]);
    expect(await w.stores.moderation.inQueue(w.flagged.id)).toBe(false);
  });
});

describe('removing a post', () => {
  test.each([
    ['for good', null],
    ['until a later date', '2999-01-01T00:00:00.000Z'],
  ])('a moderator banned %s is refused with Forbidden, and nothing is written or sent', async (_when, until) => {
    const w = await world();
    const banned = await makeUser(w.stores, 'moderator', { reason: 'abuse', by: 'admin-1', at: AT, until });
    const target = w.flagged;
    const threadBefore = await w.stores.forum.getThread(target.threadId);
    const seqBefore = await w.stores.forum.currentSeq(target.threadId);
    const flagsBefore = await w.stores.moderation.flagsOfPost(target.id);
    const postBefore = await w.stores.forum.getPost(target.id);

    await expect(removePost(w.deps, banned, target.id, 'abuse of power')).rejects.toThrow(Forbidden);

    expect(await w.stores.forum.getPost(target.id)).toEqual(postBefore);
    expect(await w.stores.forum.getThread(target.threadId)).toEqual(threadBefore);
    expect(await w.stores.forum.currentSeq(target.threadId)).toBe(seqBefore);
    expect(await w.stores.moderation.flagsOfPost(target.id)).toEqual(flagsBefore);
    expect(await w.stores.moderation.audit({}, null, 100)).toEqual([]);
    expect(await w.stores.moderation.inQueue(target.id)).toBe(true);
    expect(w.calls).toEqual([]);
  });

  test('the same removal by a moderator in good standing goes through (the refusal above is the ban)', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator', { reason: 'old', by: 'admin-1', at: AT, until: '2000-01-01T00:00:00.000Z' });
    const removed = await removePost(w.deps, mod, w.flagged.id, 'spam');
    expect(removed).toMatchObject({ status: 'removed', removal: { byId: mod.id, reason: 'spam', at: AT } });
    expect(postEventsCalls(w.calls)).toEqual([{ postId: w.flagged.id, specs: [{ event: 'post:removed', audience: 'all' }], seqs: [expect.any(Number)] }]);
    expect(await w.stores.moderation.audit({}, null, 100)).toMatchObject([{ action: 'post.remove', actorId: mod.id, at: AT }]);
  });
});

describe('the review queue when a member leaves', () => {
  test('a held post removed when its author leaves leaves the review queue, stored and live', async () => {
    const w = await world();
    expect(await w.stores.moderation.inQueue(w.heldReply.id)).toBe(true);
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    expect(await w.stores.moderation.inQueue(w.heldReply.id)).toBe(false);
    expect(w.calls.filter((c) => c.method === 'queueChanged').map((c) => c.args[0]))
      .toContainEqual({ kind: 'resolved', item: { postId: w.heldReply.id } });
  });

  test('flags others raised on a post removed with its author are settled as actioned, and the post leaves the queue', async () => {
    const w = await world();
    const [, visibleReply] = w.leaversPosts;
    await flagPost(w.deps, w.other, visibleReply!.id, 'rude');
    expect(await w.stores.moderation.inQueue(visibleReply!.id)).toBe(true);
    await eraseMemberContent(w.deps, w.leaver, 'remove');
    expect((await w.stores.moderation.flagsOfPost(visibleReply!.id)).map((f) => f.status)).toEqual(['actioned']);
    expect(await w.stores.moderation.inQueue(visibleReply!.id)).toBe(false);
  });

  test('flags on a post kept under "former member" stay open for the moderators', async () => {
    const w = await world();
    const [, visibleReply] = w.leaversPosts;
    await flagPost(w.deps, w.other, visibleReply!.id, 'rude');
    await eraseMemberContent(w.deps, w.leaver, 'anonymize');
    expect((await w.stores.moderation.flagsOfPost(visibleReply!.id)).map((f) => f.status)).toEqual(['open']);
    expect(await w.stores.moderation.inQueue(visibleReply!.id)).toBe(true);
  });
});
