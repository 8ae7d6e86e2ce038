import type { PostRecord } from '../../../server/store/forum.js';
import { eraseMemberContent } from '../../../server/moderation/departure.js';
import { flagPost, removePost } from '../../../server/moderation/service.js';
import { Forbidden } from '../../../server/errors.js';
import { AT, makeUser, world } from './world.js';

// Moderation's flows tested alone, through their ports (see world.ts). No HTTP, no sockets.

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
