import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import type { Stores } from '../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../server/store/forum.js';
import { newId } from '../../server/store/ids.js';

const LOG = 5;

function thread(forumId: string, over: Partial<ThreadRecord> = {}): ThreadRecord {
  const now = new Date().toISOString();
  return { id: newId(), forumId, title: 'T', authorId: newId(), createdAt: now, lastPostAt: now, postCount: 1, locked: false, held: false, ...over };
}

function post(t: ThreadRecord, over: Partial<PostRecord> = {}): PostRecord {
  return {
    id: newId(), threadId: t.id, forumId: t.forumId, authorId: t.authorId, source: 'hello', html: '<p>hello</p>',
    createdAt: new Date().toISOString(), editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false, ...over,
  };
}

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s forum store', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix, undefined, LOG);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  test('forums have unique slugs', async () => {
    const f = { id: newId(), slug: `s-${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`, title: 'F', description: '', createdAt: new Date().toISOString() };
    expect(await stores.forum.createForum(f)).toBe(true);
    expect(await stores.forum.createForum({ ...f, id: newId() })).toBe(false);
    expect(await stores.forum.getForum(f.id)).toEqual(f);
    expect((await stores.forum.listForums()).map((x) => x.id)).toContain(f.id);
  });

  test('a forum update changes only the fields given; the list is in position order, then oldest first', async () => {
    const slug = () => `o-${newId().toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    const at = (s: number) => new Date(Date.UTC(2020, 0, 1, 0, 0, s)).toISOString();
    const a = { id: newId(), slug: slug(), title: 'A', description: 'first', createdAt: at(1), position: 500 };
    const b = { id: newId(), slug: slug(), title: 'B', description: '', createdAt: at(2), position: 500 };
    const c = { id: newId(), slug: slug(), title: 'C', description: '', createdAt: at(3), position: 499 };
    for (const f of [a, b, c]) expect(await stores.forum.createForum(f)).toBe(true);
    const ours = async () => (await stores.forum.listForums()).map((f) => f.id).filter((id) => [a.id, b.id, c.id].includes(id));
    expect(await ours()).toEqual([c.id, a.id, b.id]);
    expect(await stores.forum.updateForum(a.id, { title: 'A2', archived: true })).toEqual({ ...a, title: 'A2', archived: true });
    expect(await stores.forum.updateForum(a.id, { position: 501 })).toEqual({ ...a, title: 'A2', archived: true, position: 501 });
    expect(await stores.forum.getForum(a.id)).toEqual({ ...a, title: 'A2', archived: true, position: 501 });
    expect(await ours()).toEqual([c.id, b.id, a.id]);
    expect((await stores.forum.updateForum(a.id, { archived: false }))?.archived).toBe(false);
    expect(await stores.forum.updateForum(newId(), { title: 'nobody' })).toBeNull();
  });

  test('a thread and its posts are read back exactly, with empty lists and nulls intact', async () => {
    const t = thread(newId());
    const first = post(t, { piiTypes: [] });
    expect(await stores.forum.createThread(t, first, { event: 'post:created', audience: 'all' })).toBe(1);
    expect(await stores.forum.getThread(t.id)).toEqual(t);
    // Each post keeps the seq it was written at (unread tracking reads it).
    expect(await stores.forum.getPost(first.id)).toEqual({ ...first, seq: 1 });
    const second = post(t, { piiTypes: ['EMAIL', 'PHONE'], createdAt: new Date(Date.now() + 1000).toISOString() });
    // The write answers the thread as it now is, so callers need not read it again.
    expect(await stores.forum.addPost(second, { event: 'post:created', audience: 'all' })).toEqual({ ok: true, seq: 2, thread: { ...t, postCount: 2, lastPostAt: second.createdAt } });
    expect(await stores.forum.listPosts(t.id, 0, 10)).toEqual([{ ...first, seq: 1 }, { ...second, seq: 2 }]);
    expect(await stores.forum.listPosts(t.id, 1, 10)).toEqual([{ ...second, seq: 2 }]);
    const after = await stores.forum.getThread(t.id);
    expect(after).toMatchObject({ postCount: 2, lastPostAt: second.createdAt });
  });

  test('a locked thread refuses posts unless told to ignore the lock; an unknown thread refuses all', async () => {
    const t = thread(newId());
    await stores.forum.createThread(t, post(t), { event: 'post:created', audience: 'all' });
    expect((await stores.forum.patchThread(t.id, { locked: true }))?.locked).toBe(true);
    expect(await stores.forum.addPost(post(t), { event: 'post:created', audience: 'all' })).toEqual({ ok: false, reason: 'locked' });
    expect((await stores.forum.addPost(post(t), { event: 'post:created', audience: 'all' }, { ignoreLock: true })).ok).toBe(true);
    const ghost = thread(newId());
    const orphan = post(ghost);
    expect(await stores.forum.addPost(orphan, { event: 'post:created', audience: 'all' })).toEqual({ ok: false, reason: 'no_thread' });
    expect(await stores.forum.getPost(orphan.id)).toBeNull();
    expect(await stores.forum.patchThread(ghost.id, { locked: true })).toBeNull();
  });

  test('a mutation is guarded by status, appends its event with the next seq, and moves the count', async () => {
    const t = thread(newId());
    const p = post(t);
    await stores.forum.createThread(t, p, { event: 'post:created', audience: 'all' });
    const removal = { byId: newId(), reason: 'spam', at: new Date().toISOString() };
    const r = await stores.forum.mutatePost(p.id, { patch: { status: 'removed', removal }, ifStatus: ['visible'], events: [{ event: 'post:removed', audience: 'public' }, { event: 'post:updated', audience: 'privileged' }], countDelta: -1 });
    expect(r).toEqual({ ok: true, post: { ...p, seq: 1, status: 'removed', removal }, seqs: [2, 3] });
    expect((await stores.forum.eventsSince(t.id, 1)).events.map((e) => [e.seq, e.event, e.audience])).toEqual([[2, 'post:removed', 'public'], [3, 'post:updated', 'privileged']]);
    expect(await stores.forum.mutatePost(p.id, { patch: { status: 'removed' }, ifStatus: ['visible'] })).toEqual({ ok: false, reason: 'status' });
    expect(await stores.forum.mutatePost(newId(), { patch: {} })).toEqual({ ok: false, reason: 'not_found' });
    expect((await stores.forum.getThread(t.id))?.postCount).toBe(0);
    const purged = await stores.forum.mutatePost(p.id, { patch: { source: null, html: null, purged: true } });
    expect(purged.ok && purged.post).toMatchObject({ source: null, html: null, purged: true, removal });
  });

  test('the event log answers what was missed in order, and asks for a reload once it is trimmed', async () => {
    const t = thread(newId());
    await stores.forum.createThread(t, post(t), { event: 'post:created', audience: 'all' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = post(t);
      ids.push(p.id);
      await stores.forum.addPost(p, { event: 'post:created', audience: i === 1 ? 'privileged' : 'all' });
    }
    const since1 = await stores.forum.eventsSince(t.id, 1);
    expect(since1).toEqual({
      reload: false, seq: 4,
      events: ids.map((postId, i) => ({ seq: i + 2, event: 'post:created', postId, audience: i === 1 ? 'privileged' : 'all' })),
    });
    expect(await stores.forum.eventsSince(t.id, 4)).toEqual({ events: [], reload: false, seq: 4 });
    for (let i = 0; i < LOG; i++) await stores.forum.addPost(post(t), { event: 'post:created', audience: 'all' });
    const old = await stores.forum.eventsSince(t.id, 1);
    expect(old).toEqual({ events: [], reload: true, seq: 4 + LOG });
    expect((await stores.forum.eventsSince(t.id, 4)).events.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9]);
    expect((await stores.forum.eventsSince(t.id, 99)).reload).toBe(true);
  });

  test('threads list newest activity first, paged by cursor without gaps or repeats', async () => {
    const forumId = newId();
    const base = Date.now();
    const made: ThreadRecord[] = [];
    for (let i = 0; i < 7; i++) {
      // Two share a timestamp to exercise ties.
      const at = new Date(base + (i === 3 ? 2 : i) * 1000).toISOString();
      const t = thread(forumId, { createdAt: at, lastPostAt: at });
      made.push(t);
      await stores.forum.createThread(t, post(t, { createdAt: at }), { event: 'post:created', audience: 'all' });
    }
    const seen: string[] = [];
    let cursor = null as null | { at: number; id: string };
    for (let guard = 0; guard < 10; guard++) {
      const page = await stores.forum.listThreads(forumId, cursor, 3);
      seen.push(...page.map((t) => t.id));
      if (page.length < 3) break;
      const last = page.at(-1)!;
      cursor = { at: Date.parse(last.lastPostAt), id: last.id };
    }
    expect(new Set(seen).size).toBe(7);
    const expected = [...made].sort((a, b) => Date.parse(b.lastPostAt) - Date.parse(a.lastPostAt) || (a.id < b.id ? 1 : -1)).map((t) => t.id);
    expect(seen).toEqual(expected);
  });

  test('a removed thread takes no posts until restored; restoring twice or removing twice is refused', async () => {
    const t = thread(newId());
    await stores.forum.createThread(t, post(t), { event: 'post:created', audience: 'all' });
    const removal = { byId: newId(), reason: 'spam', at: new Date().toISOString() };
    expect(await stores.forum.setThreadRemoval(t.id, removal)).toEqual({ ok: true, thread: { ...t, removal } });
    expect(await stores.forum.setThreadRemoval(t.id, removal)).toEqual({ ok: false, reason: 'status' });
    const refused = post(t);
    expect(await stores.forum.addPost(refused, { event: 'post:created', audience: 'all' }, { ignoreLock: true })).toEqual({ ok: false, reason: 'removed' });
    expect(await stores.forum.getPost(refused.id)).toBeNull();
    expect(await stores.forum.currentSeq(t.id)).toBe(1);
    expect(await stores.forum.setThreadRemoval(t.id, null)).toEqual({ ok: true, thread: { ...t, removal: null } });
    expect(await stores.forum.setThreadRemoval(t.id, null)).toEqual({ ok: false, reason: 'status' });
    expect((await stores.forum.addPost(post(t), { event: 'post:created', audience: 'all' })).ok).toBe(true);
    expect(await stores.forum.setThreadRemoval(newId(), removal)).toEqual({ ok: false, reason: 'not_found' });
  });

  test('a purge leaves the thread removed, without its title, and every post a purged tombstone that cannot come back', async () => {
    const t = thread(newId(), { title: 'A title to forget' });
    const first = post(t, { source: 'first words', html: '<p>first words</p>' });
    await stores.forum.createThread(t, first, { event: 'post:created', audience: 'all' });
    const earlier = { byId: newId(), reason: 'earlier', at: new Date().toISOString() };
    const second = post(t, { status: 'removed', removal: earlier, source: 'second words', html: '<p>second words</p>' });
    await stores.forum.addPost(second, { event: 'post:created', audience: 'privileged' });
    const removal = { byId: newId(), reason: 'leak', at: new Date().toISOString() };
    const res = await stores.forum.purgeThread(t.id, removal);
    expect(res).toEqual({ ok: true, thread: { ...t, title: '', removal, purged: true, postCount: 0, lastPostAt: second.createdAt }, postIds: [first.id, second.id] });
    const tomb = { status: 'removed', source: null, html: null, purged: true };
    expect(await stores.forum.listPosts(t.id, 0, 10)).toEqual([{ ...first, seq: 1, ...tomb, removal }, { ...second, seq: 2, ...tomb, removal: earlier }]);
    expect(await stores.forum.visibleSince(new Map([[t.id, 0]]))).toEqual(new Map([[t.id, 0]]));
    expect(await stores.forum.setThreadRemoval(t.id, null)).toEqual({ ok: false, reason: 'purged' });
    expect((await stores.forum.addPost(post(t), { event: 'post:created', audience: 'all' })).ok).toBe(false);
    expect(await stores.forum.purgeThread(newId(), removal)).toEqual({ ok: false, reason: 'not_found' });
  });

  test('unread counts: the visible posts written after a seq, following removals, restores and approvals', async () => {
    const t = thread(newId());
    const first = post(t);
    await stores.forum.createThread(t, first, { event: 'post:created', audience: 'all' });
    const replies = [post(t), post(t), post(t, { status: 'held' })];
    for (const r of replies) expect((await stores.forum.addPost(r, { event: 'post:created', audience: 'all' })).ok).toBe(true);
    const other = thread(newId());
    await stores.forum.createThread(other, post(other, { status: 'held' }), { event: 'post:created', audience: 'privileged' });
    const unknown = newId();
    const since = (seq: number) => stores.forum.visibleSince(new Map([[t.id, seq], [other.id, 0], [unknown, 0]]));
    expect(await since(0)).toEqual(new Map([[t.id, 3], [other.id, 0], [unknown, 0]]));
    expect(await since(1)).toEqual(new Map([[t.id, 2], [other.id, 0], [unknown, 0]]));
    expect(await since(3)).toEqual(new Map([[t.id, 0], [other.id, 0], [unknown, 0]]));
    const removal = { byId: newId(), reason: 'spam', at: new Date().toISOString() };
    expect((await stores.forum.mutatePost(replies[0]!.id, { patch: { status: 'removed', removal }, countDelta: -1 })).ok).toBe(true);
    expect((await since(0)).get(t.id)).toBe(2);
    expect((await stores.forum.mutatePost(replies[2]!.id, { patch: { status: 'visible' }, countDelta: 1 })).ok).toBe(true);
    expect((await since(3)).get(t.id)).toBe(1);
    expect((await stores.forum.mutatePost(replies[0]!.id, { patch: { status: 'visible', removal: null }, countDelta: 1 })).ok).toBe(true);
    expect((await since(1)).get(t.id)).toBe(3);
  });

  test("an author's posts are listed newest first", async () => {
    const t = thread(newId());
    const a = post(t, { createdAt: new Date(Date.now() - 5000).toISOString() });
    await stores.forum.createThread(t, a, { event: 'post:created', audience: 'all' });
    const b = post(t);
    await stores.forum.addPost(b, { event: 'post:created', audience: 'all' });
    expect(await stores.forum.postIdsByAuthor(t.authorId!)).toEqual([b.id, a.id]);
    expect(await stores.forum.countPostsByAuthor(t.authorId!)).toBe(2);
    expect(await stores.forum.countPostsByAuthor(newId())).toBe(0);
  });
});
