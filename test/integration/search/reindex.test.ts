import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cleanBackend, makeStores, redisTarget, silentLogger, startAgora, testPrefix, type Running } from '../../helpers/agora.js';
import { signedIn } from '../../helpers/http.js';
import { canary, search } from '../../helpers/search.js';
import { newId } from '../../../server/store/ids.js';
import type { Stores } from '../../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../../server/store/forum.js';
import { reindex, ReindexBusy, type ReindexDeps } from '../../../server/search/reindex.js';
import { entryArgs } from '../../helpers/entry.js';

// `npm run search:reindex` rebuilds the stored snapshot from every post while Agora serves, and an
// interrupted run continues from its checkpoint.

const run = promisify(execFile);
/** When the legacy posts were written: a fixed time, not the clock. */
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe.each(['redis', 'redis-cluster'] as const)('search:reindex on %s', (kind) => {
  const prefix = testPrefix();
  let stores: Stores;
  let agora: Running;
  let forumId: string;

  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
    agora = await startAgora({ store: kind, prefix, env: { POST_RATE_PER_MINUTE: '1000', SEARCH_RATE_PER_MINUTE: '100000' } });
    forumId = newId();
    await stores.forum.createForum({ id: forumId, slug: `ri-${forumId}`, title: 'Reindex', description: '', createdAt: new Date().toISOString() });
  });
  afterAll(async () => {
    await agora?.close();
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  /** Threads written straight into the store, as data from before search existed: no feed entry. */
  async function legacyThreads(n: number, word: string): Promise<string[]> {
    const ids: string[] = [];
    await Promise.all(Array.from({ length: n }, async (_, i) => {
      const at = new Date(T0 + i).toISOString();
      const thread: ThreadRecord = { id: newId(), forumId, title: `Legacy ${i}`, authorId: null, createdAt: at, lastPostAt: at, postCount: 1, locked: false, held: false };
      const post: PostRecord = { id: newId(), threadId: thread.id, forumId, authorId: null, source: `old ${word} ${i}`, html: `<p>old ${word} ${i}</p>`,
        createdAt: at, editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false };
      await stores.forum.createThread(thread, post, { event: 'post:created', audience: 'all' });
      ids.push(post.id);
    }));
    return ids;
  }
  const progress = () => {
    const seen = { starts: [] as { total: number; done: number; resumed: boolean }[], last: 0 };
    return { seen, ui: { start: (total: number, done: number, resumed: boolean) => seen.starts.push({ total, done, resumed }), update: (d: number) => (seen.last = d) } };
  };
  const deps = (forum: ReindexDeps['forum'] = stores.forum): ReindexDeps => ({ store: stores.search, forum, logger: silentLogger() });

  test('posts the index never heard of are in the snapshot it stores, and a process started afterwards finds them', async () => {
    const word = canary('relic');
    const legacy = await legacyThreads(30, word);
    expect(await search(agora.url, word, null)).toEqual([]);
    const { seen, ui } = progress();
    const result = await reindex(deps(), ui, { batch: 7 });
    expect(result.stored).toBe(true);
    expect(seen.starts[0]).toMatchObject({ resumed: false, done: 0 });
    expect(seen.last).toBeGreaterThanOrEqual(seen.starts[0]!.total);
    const late = await startAgora({ store: kind, prefix });
    try {
      expect(late.agora.search.loadedFrom).toBe('snapshot');
      expect(new Set((await search(late.url, word, null, { limit: 50 })).map((h) => h.post.id))).toEqual(new Set(legacy));
    } finally {
      await late.close();
    }
  });

  test('an interrupted run continues from its checkpoint; writes and purges made meanwhile through a serving process are in the snapshot as they ended', async () => {
    const word = canary('ember');
    // Redis answers a small hash in one HSCAN page: enough posts that the scan takes many.
    await legacyThreads(600, word);
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const mod = await signedIn(agora.url, agora.stores.users, 'moderator');
    let calls = 0;
    const failing: ReindexDeps['forum'] = Object.assign(Object.create(stores.forum) as ReindexDeps['forum'], {
      scanPosts: async (cursor: string, count: number) => {
        if (++calls === 4) throw new Error('interrupted');
        return stores.forum.scanPosts(cursor, count);
      },
    });
    await expect(reindex(deps(failing), progress().ui, { batch: 20, checkpointEvery: 5 })).rejects.toThrow('interrupted');
    expect(await stores.search.getProgress('reindex')).not.toBeNull();

    const fresh = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Written during', body: `new ${word} during` })).body.post.id as string;
    const doomed = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Purged during', body: `doomed${word} words` })).body.post.id as string;
    expect((await mod.post(`/api/posts/${doomed}/purge`, { reason: 'x' })).status).toBe(204);

    const { seen, ui } = progress();
    const result = await reindex(deps(), ui, { batch: 50 });
    expect(result.stored).toBe(true);
    expect(seen.starts[0]!.resumed).toBe(true);
    expect(seen.starts[0]!.done).toBeGreaterThan(0);
    expect(await stores.search.getProgress('reindex')).toBeNull();
    const snap = (await stores.search.loadSnapshot())!;
    expect(snap.data).toContain(fresh);
    expect(snap.data).not.toContain(`doomed${word}`);
    expect(snap.data).not.toContain(doomed);
  });

  test('a second run while one holds the lease is refused', async () => {
    expect(await stores.search.lease('reindex', 'someone-else', 60_000)).toBe(true);
    try {
      await expect(reindex(deps(), progress().ui)).rejects.toBeInstanceOf(ReindexBusy);
    } finally {
      await stores.search.release('reindex', 'someone-else');
    }
  });

  test('the command shows its progress and stores the snapshot; without REDIS_URL it says there is nothing to rebuild', async () => {
    const target = await redisTarget(kind);
    const root = path.resolve(__dirname, '../../..');
    const base = { PATH: process.env.PATH, NODE_ENV: 'test', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', LOG_LEVEL: 'warn' };
    const ok = await run(process.execPath, entryArgs('scripts/search-reindex'), {
      cwd: root, env: { ...base, REDIS_URL: target.url, REDIS_CLUSTER: target.cluster ? '1' : '0', REDIS_KEY_PREFIX: prefix },
    });
    expect(ok.stdout).toMatch(/search:reindex \[.*\] 100% \| (\d+)\/\1 posts/);
    expect(ok.stdout).toMatch(/snapshot stored/);
    const noRedis = await run(process.execPath, entryArgs('scripts/search-reindex'), { cwd: root, env: base }).catch((e: { code: number; stderr: string }) => e);
    expect([(noRedis as { code: number }).code, (noRedis as { stderr: string }).stderr]).toEqual([2, expect.stringContaining('REDIS_URL is not set')]);
  });
});
