import { cleanBackend, makeStores, redisTarget, startAgora, testPrefix } from '../../helpers/agora.js';
import { spawnAgora, type AgoraProcess } from '../../helpers/process.js';
import { eventually } from '../../helpers/eventually.js';
import { signedIn, type Client } from '../../helpers/http.js';
import { canary, search, searchRaw } from '../../helpers/search.js';
import type { Stores } from '../../../server/store/index.js';

// Search across two server processes sharing one Redis (and a Redis Cluster): a post is findable
// on the other process within a bounded wait, a removal is out of results there before its answer,
// a purge takes the words out of the stored snapshot at once, and a process started later loads
// the snapshot and the feed after it instead of reading every post.

describe.each(['redis', 'redis-cluster'] as const)('search across two processes on %s', (kind) => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  const late: AgoraProcess[] = [];
  let stores: Stores;
  let env: Record<string, string>;
  let admin: Client;
  let onA: { author: Client; moderator: Client; member: Client };
  let onB: { author: Client; moderator: Client; member: Client };
  let forumId: string;

  const ready = (p: AgoraProcess) => eventually(async () => (await searchRaw(p.url, 'ready', null)).status === 200, { what: 'search ready', timeoutMs: 20_000 });
  const ids = async (p: AgoraProcess, q: string, who: Client | null, params = {}) => (await search(p.url, q, who, params)).map((h) => h.post.id);

  beforeAll(async () => {
    const target = await redisTarget(kind);
    env = { REDIS_URL: target.url, REDIS_CLUSTER: target.cluster ? '1' : '0', REDIS_KEY_PREFIX: prefix, POST_RATE_PER_MINUTE: '10000', SEARCH_RATE_PER_MINUTE: '100000', SEARCH_SNAPSHOT_SECONDS: '5' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    stores = await makeStores(kind, prefix);
    await Promise.all([ready(a), ready(b)]);
    admin = await signedIn(b.url, stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `sp-${Date.now()}`, title: 'Across' })).body.forum.id;
    const three = async (url: string) => ({
      author: await signedIn(url, stores.users, 'member'),
      moderator: await signedIn(url, stores.users, 'moderator'),
      member: await signedIn(url, stores.users, 'member'),
    });
    [onA, onB] = [await three(a.url), await three(b.url)];
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), ...late.map((p) => p.stop())]);
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  async function thread(by: Client, title: string, body: string) {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title, body });
    expect(res.status).toBe(201);
    return { threadId: res.body.thread.id as string, postId: res.body.post.id as string };
  }

  test('a post written through one process is findable through the other within a bounded wait, and at once through its own', async () => {
    const word = canary('meadow');
    const { postId } = await thread(onA.author, 'Across processes', `hello ${word}`);
    expect(await ids(a, word, onA.member)).toEqual([postId]);
    await eventually(async () => (await ids(b, word, onB.member)).includes(postId), { what: 'post findable on B' });
  });

  test('a removal through one process is out of the other\'s results before the removal answers', async () => {
    const word = canary('pebble');
    const { postId } = await thread(onA.author, 'Removed across', `soon gone ${word}`);
    await eventually(async () => (await ids(b, word, onB.member)).includes(postId), { what: 'post findable on B' });
    expect((await onA.moderator.post(`/api/posts/${postId}/remove`, { reason: 'spam' })).status).toBe(200);
    expect(await ids(b, word, onB.member)).toEqual([]);
    // Among removed posts it turns up once B's index has heard of the removal (recall may lag; what
    // is shown never does).
    await eventually(async () => expect(await ids(b, word, onB.moderator, { status: 'removed' })).toEqual([postId]), { what: 'the removed post among removed posts on B' });
  });

  test('a purge through one process drops the stored snapshot at once, and a process started afterwards never finds the words', async () => {
    const word = canary('quarry');
    const { postId } = await thread(onA.author, 'Purged across', `erase me ${word}`);
    await eventually(async () => (await ids(b, word, onB.member)).includes(postId), { what: 'post findable on B' });
    // A snapshot that holds the word: the one a process stores when asked (see snapshot() below).
    await eventually(async () => (await stores.search.loadSnapshot())?.data.includes(word) ?? false,
      { what: 'a snapshot holding the word', timeoutMs: 20_000 });
    expect((await onB.moderator.post(`/api/posts/${postId}/purge`, { reason: 'personal data' })).status).toBe(204);
    expect((await stores.search.loadSnapshot())?.data ?? '').not.toContain(word);
    expect(await ids(a, word, onA.moderator, { status: 'removed' })).toEqual([]);
    const c = await spawnAgora(env);
    late.push(c);
    await ready(c);
    expect(await ids(c, word, onA.moderator, { status: 'removed' })).toEqual([]);
    // The snapshot comes back, without the word.
    await eventually(async () => !!(await stores.search.loadSnapshot()), { what: 'a new snapshot', timeoutMs: 20_000 });
    expect((await stores.search.loadSnapshot())!.data).not.toContain(word);
  });

  test("deleting an account drops the stored snapshot at once, so no stored copy names them as an author, even of posts they left under 'former member'", async () => {
    const word = canary('acorn');
    const leaving = await signedIn(a.url, stores.users, 'member');
    const { postId } = await thread(leaving, 'Kept after I go', `kept ${word}`);
    await eventually(async () => (await stores.search.loadSnapshot())?.data.includes(postId) ?? false,
      { what: 'a snapshot holding the post', timeoutMs: 20_000 });
    expect((await stores.search.loadSnapshot())!.data).toContain(leaving.user!.id);
    expect((await leaving.del('/api/me', { password: 'a fine long password', posts: 'anonymize' })).status).toBe(204);
    expect((await stores.search.loadSnapshot())?.data ?? '').not.toContain(leaving.user!.id);
    expect(await ids(b, word, onB.member)).toEqual([postId]);
  });

  test('a process started later loads the stored snapshot, replays the feed after it, and finds posts from before and after', async () => {
    const word = canary('orchard');
    const before = await thread(onA.author, 'Before the snapshot', `early ${word}`);
    await eventually(async () => (await stores.search.loadSnapshot())?.data.includes(before.postId) ?? false,
      { what: 'a snapshot holding the early post', timeoutMs: 20_000 });
    const after = await thread(onB.author, 'After the snapshot', `late ${word}`);
    const c = await spawnAgora({ ...env, LOG_LEVEL: 'info' });
    late.push(c);
    await ready(c);
    // The log line can reach the pipe after the first answer that says the index is ready.
    const said = await eventually(() => c.output().split('\n').find((l) => l.includes('search index ready')) ?? false, { what: 'the ready line in its log' });
    expect(said).toContain('"from":"snapshot"');
    expect(new Set(await ids(c, word, onA.member))).toEqual(new Set([before.postId, after.postId]));
  });

  test('an index frozen behind the store never shows what was removed, purged or removed with its thread since', async () => {
    const word = canary('frost');
    const frozen = await startAgora({ store: kind, prefix, env });
    try {
      const posts = [];
      for (let i = 0; i < 4; i++) posts.push(await thread(onA.author, `Frozen ${i}`, `cold ${word} ${i}`));
      const viewer = await signedIn(frozen.url, stores.users, 'member');
      await eventually(async () => (await ids(frozen as unknown as AgoraProcess, word, viewer)).length === 4, { what: 'all four findable' });
      // From here the in-process index hears nothing more: only the store knows what happens next.
      await frozen.agora.search.stop();
      const [removed, purged, inThread, kept] = posts as [typeof posts[0], typeof posts[0], typeof posts[0], typeof posts[0]];
      expect((await onB.moderator.post(`/api/posts/${removed.postId}/remove`, { reason: 'x' })).status).toBe(200);
      expect((await onB.moderator.post(`/api/posts/${purged.postId}/purge`, { reason: 'x' })).status).toBe(204);
      expect((await onB.moderator.post(`/api/threads/${inThread.threadId}/remove`, { reason: 'x' })).status).toBe(200);
      expect(frozen.agora.search.engine.has(removed.postId)).toBe(true);
      expect(await ids(frozen as unknown as AgoraProcess, word, viewer)).toEqual([kept.postId]);
      expect(await ids(frozen as unknown as AgoraProcess, word, null)).toEqual([kept.postId]);
    } finally {
      await frozen.close();
    }
  });

  test('searching while posts are removed through the other process never shows a post whose removal has answered', async () => {
    const word = canary('thistle');
    const posts: string[] = [];
    for (let i = 0; i < 12; i++) posts.push((await thread(onA.author, `Race ${i}`, `race ${word} ${i}`)).postId);
    await eventually(async () => (await ids(a, word, onA.member, { limit: 50 })).length === posts.length, { what: 'all posts findable on A' });
    const removedBefore = new Set<string>();
    let removing = true;
    const remover = (async () => {
      for (const id of posts) {
        expect((await onB.moderator.post(`/api/posts/${id}/remove`, { reason: 'race' })).status).toBe(200);
        removedBefore.add(id);
      }
      removing = false;
    })();
    let searches = 0;
    while (removing || searches === 0) {
      const answered = new Set(removedBefore);
      const found = await ids(a, word, onA.member, { limit: 50 });
      searches++;
      for (const id of found) expect(answered.has(id)).toBe(false);
    }
    await remover;
    expect(await ids(a, word, onA.member, { limit: 50 })).toEqual([]);
    expect(searches).toBeGreaterThan(1);
  });
});
