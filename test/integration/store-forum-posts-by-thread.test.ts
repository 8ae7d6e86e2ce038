import { storesForSuite } from '../helpers/agora.js';
import type { PostRecord, ThreadRecord } from '../../server/store/forum.js';
import { newId } from '../../server/store/ids.js';

// getPosts with each post's thread given, the same on every backend: what search's check asks
// when its index already names each candidate's thread (store-search-contract.test.ts has getPosts
// without them). Given threads save the Redis store its read of the post index; a wrong one can
// only leave a post out, never answer another.

const event = { event: 'post:created' as const, audience: 'all' as const };

function thread(): ThreadRecord {
  const now = new Date().toISOString();
  return { id: newId(), forumId: newId(), title: 'T', authorId: newId(), createdAt: now, lastPostAt: now, postCount: 1, locked: false, held: false };
}

const postIn = (t: ThreadRecord, n: number): PostRecord => ({
  id: newId(), threadId: t.id, forumId: t.forumId, authorId: t.authorId, source: `post ${n}`, html: `<p>post ${n}</p>`,
  createdAt: new Date(Date.now() + n).toISOString(), editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false,
});

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s forum store, posts read by thread', (kind) => {
  const stores = storesForSuite(kind);

  const threadOf = async (posts: number): Promise<PostRecord[]> => {
    const t = thread();
    const out = Array.from({ length: posts }, (_, n) => postIn(t, n));
    expect(await stores().forum.createThread(t, out[0]!, event)).toBe(1);
    for (const p of out.slice(1)) expect((await stores().forum.addPost(p, event)).ok).toBe(true);
    return out;
  };
  const stored = (p: PostRecord) => ({ ...p, seq: expect.any(Number) });

  test("with each post's thread given, getPosts answers the same posts as without", async () => {
    const [a, b] = await Promise.all([threadOf(3), threadOf(2)]);
    const wanted = [a[0]!, a[2]!, b[1]!];
    const got = await stores().forum.getPosts(wanted.map((p) => p.id), new Map(wanted.map((p) => [p.id, p.threadId])));
    expect([...got.keys()].sort()).toEqual(wanted.map((p) => p.id).sort());
    for (const p of wanted) expect(got.get(p.id)).toEqual(stored(p));
  });

  test('a post given the wrong thread is left out, never another; ids given no thread are looked up', async () => {
    const [a, b] = await Promise.all([threadOf(2), threadOf(2)]);
    const given = new Map([[a[0]!.id, a[0]!.threadId], [b[1]!.id, a[0]!.threadId]]);
    const got = await stores().forum.getPosts([a[0]!.id, b[1]!.id, b[0]!.id], given);
    expect([...got.keys()].sort()).toEqual([a[0]!.id, b[0]!.id].sort());
    expect(got.get(a[0]!.id)).toEqual(stored(a[0]!));
    expect(got.get(b[0]!.id)).toEqual(stored(b[0]!));
  });
});
