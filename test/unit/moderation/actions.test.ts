import { moderatePost, moderateThread } from '../../../server/moderation/actions.js';
import { Conflict, Forbidden, NotFound } from '../../../server/errors.js';
import { AT, makeUser, world } from './world.js';

// The actions a moderation route calls, alone: one call runs the flow and hands back the record with
// every member its view names (author and remover), so the route only shapes the answer.

describe('moderating a post through its route-facing action', () => {
  test('a removal returns the removed post with its author and its remover, and tells its watchers', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    const { record, authors } = await moderatePost(w.deps, mod, 'remove', w.flagged.id, 'spam');
    expect(record).toMatchObject({ id: w.flagged.id, status: 'removed', removal: { byId: mod.id, reason: 'spam', at: AT } });
    expect([...authors.keys()].sort()).toEqual([w.other.id, mod.id].sort());
    expect(w.calls.map((c) => c.method)).toContain('postEvents');
  });

  test('a restore returns the visible post without its removal', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    await moderatePost(w.deps, mod, 'remove', w.flagged.id, 'spam');
    const { record, authors } = await moderatePost(w.deps, mod, 'restore', w.flagged.id);
    expect(record).toMatchObject({ status: 'visible', removal: null });
    expect([...authors.keys()]).toEqual([w.other.id]);
  });

  test('an approval returns the held post, now visible', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    const { record, authors } = await moderatePost(w.deps, mod, 'approve', w.heldReply.id);
    expect(record).toMatchObject({ id: w.heldReply.id, status: 'visible', heldReason: null });
    expect([...authors.keys()]).toEqual([w.leaver.id]);
  });

  test("the service's refusals come through unchanged: a member, a missing post, a second removal", async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    await expect(moderatePost(w.deps, w.other, 'remove', w.flagged.id, 'mine now')).rejects.toThrow(Forbidden);
    await expect(moderatePost(w.deps, mod, 'remove', 'no-such-post', 'x')).rejects.toThrow(NotFound);
    await moderatePost(w.deps, mod, 'remove', w.flagged.id, 'spam');
    await expect(moderatePost(w.deps, mod, 'remove', w.flagged.id, 'again')).rejects.toThrow(Conflict);
  });
});

describe('moderating a thread through its route-facing action', () => {
  test('lock and unlock return the thread in its new state, with its author', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    const locked = await moderateThread(w.deps, mod, 'lock', w.own.thread.id);
    expect(locked.record).toMatchObject({ id: w.own.thread.id, locked: true });
    expect([...locked.authors.keys()]).toEqual([w.leaver.id]);
    expect((await moderateThread(w.deps, mod, 'unlock', w.own.thread.id)).record.locked).toBe(false);
  });

  test('remove and restore return the thread with its removal, then without it', async () => {
    const w = await world();
    const mod = await makeUser(w.stores, 'moderator');
    const removed = await moderateThread(w.deps, mod, 'remove', w.theirs.thread.id, 'off topic');
    expect(removed.record.removal).toMatchObject({ byId: mod.id, reason: 'off topic', at: AT });
    expect(removed.authors.has(mod.id)).toBe(true);
    const restored = await moderateThread(w.deps, mod, 'restore', w.theirs.thread.id, 'back');
    expect(restored.record.removal).toBeNull();
  });
});
