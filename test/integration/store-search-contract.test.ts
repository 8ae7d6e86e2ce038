import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import type { Stores } from '../../server/store/index.js';
import type { PostRecord, ThreadRecord } from '../../server/store/forum.js';
import type { SearchStore } from '../../server/store/search.js';
import { newId } from '../../server/store/ids.js';
import { MemorySearchStore } from '../../server/store/memory/search.js';
import { RedisSearchStore } from '../../server/store/redis/search.js';
import { RedisDb, type RedisClient } from '../../server/store/redis/db.js';
import { redisOf } from '../../server/store/redis/index.js';

// The search side of the store, the same on every backend: a feed of ids every process follows
// (in order, resumable, telling a reader that fell behind the trim), the snapshot and the erase
// generation that keeps erased words out of it, leases and progress; and the forum reads a
// rebuild and the result check use (several posts at once, every post page by page).

const post = (kind: 'post' | 'thread' = 'post') => ({ kind, id: newId() });

function thread(): ThreadRecord {
  const now = new Date().toISOString();
  return { id: newId(), forumId: newId(), title: 'T', authorId: newId(), createdAt: now, lastPostAt: now, postCount: 1, locked: false, held: false };
}

function postIn(t: ThreadRecord, n: number): PostRecord {
  return {
    id: newId(), threadId: t.id, forumId: t.forumId, authorId: t.authorId, source: `post ${n}`, html: `<p>post ${n}</p>`,
    createdAt: new Date(Date.now() + n).toISOString(), editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false,
  };
}

/** Whether a connection named `name` is blocked in XREAD on any node (where the feed's slot lives). */
async function blockedInXread(client: RedisClient, name: string): Promise<boolean> {
  const nodes: Redis[] = 'nodes' in client && typeof client.nodes === 'function' ? (client as Cluster).nodes('master') : [client as Redis];
  for (const node of nodes) {
    const list = String(await node.client('LIST'));
    if (list.split('\n').some((l) => l.includes(` name=${name} `) && / flags=\w*b/.test(l) && l.includes(' cmd=xread'))) return true;
  }
  return false;
}

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s search store', (kind) => {
  let stores: Stores;
  let search: SearchStore;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
    search = stores.search;
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  /** A store of its own with a feed of about `maxEntries`, on this backend. */
  const smallStore = (maxEntries: number): SearchStore =>
    kind === 'memory' ? new MemorySearchStore(maxEntries) : new RedisSearchStore(new RedisDb(redisOf(stores)!.db.client, `${prefix}small-${randomBytes(4).toString('hex')}:`), maxEntries);

  describe('the feed', () => {
    test('changes are read back in the order they were appended, each with a position to go on from', async () => {
      const from = await search.head();
      const changes = [post(), post('thread'), post(), post()];
      const last = await search.append(changes.slice(0, 2));
      expect(await search.head()).toBe(last);
      expect(await search.append(changes.slice(2))).toBe(await search.head());
      const all = await search.read(from, 100, 0);
      expect(all.gap).toBe(false);
      expect(all.entries.map(({ kind: k, id }) => ({ kind: k, id }))).toEqual(changes);
      expect(all.entries[1]!.pos).toBe(last);
      expect(new Set(all.entries.map((e) => e.pos)).size).toBe(4);

      const afterSecond = await search.read(last, 100, 0);
      expect(afterSecond.entries.map((e) => e.id)).toEqual([changes[2]!.id, changes[3]!.id]);
      const firstTwo = await search.read(from, 2, 0);
      expect(firstTwo.entries.map((e) => e.id)).toEqual([changes[0]!.id, changes[1]!.id]);
      const rest = await search.read(firstTwo.entries[1]!.pos, 2, 0);
      expect(rest.entries.map((e) => e.id)).toEqual([changes[2]!.id, changes[3]!.id]);
    });

    test('a reader from the start sees every entry, and a reader at the head sees none', async () => {
      await search.append([post()]);
      const head = await search.head();
      const fromStart = await search.read('', 100_000, 0);
      expect(fromStart.entries.at(-1)!.pos).toBe(head);
      expect(await search.read(head, 100, 0)).toEqual({ entries: [], gap: false });
    });

    test('a waiting read answers nothing when nothing comes', async () => {
      const head = await search.head();
      expect(await search.read(head, 10, 30)).toEqual({ entries: [], gap: false });
    });

    test('a waiting read answers as soon as another append arrives', async () => {
      const change = post();
      let name = '';
      if (kind !== 'memory') {
        // The append must land while the read is blocked, or the test proves nothing: name the
        // read's own connection (made by the waiting read above, idle now) to see it block.
        const reader = (search as unknown as { reader: RedisClient | null }).reader!;
        name = `agora-test-${randomBytes(4).toString('hex')}`;
        const conns: Redis[] = 'nodes' in reader && typeof reader.nodes === 'function' ? (reader as Cluster).nodes('master') : [reader as Redis];
        expect(conns.length).toBeGreaterThan(0);
        await Promise.all(conns.map((c) => c.client('SETNAME', name)));
      }
      // Longer than the test's own timeout: only the append can end this read in time.
      const reading = search.read(await search.head(), 10, 60_000);
      if (kind !== 'memory') await eventually(() => blockedInXread(redisOf(stores)!.db.client, name), { what: 'the read blocks in XREAD' });
      await search.append([change]);
      const got = await reading;
      expect(got).toEqual({ entries: [expect.objectContaining({ kind: 'post', id: change.id })], gap: false });
    });

    test("entries carry only a kind, an id and maybe their writer's mark, never content", async () => {
      await search.append([post(), post('thread')]);
      const { entries } = await search.read('', 100_000, 0);
      const MARK = /^[\w-]+\.[0-9a-z]+$/; // the writer's opaque name for its entry (own-entries.ts), no text
      for (const { origin, ...e } of entries) {
        expect(Object.keys(e).sort()).toEqual(['id', 'kind', 'pos']);
        if (origin !== undefined) expect(origin).toMatch(MARK);
      }
      if (kind === 'memory') return;
      const db = redisOf(stores)!.db;
      const raw = await db.client.xrange(db.tagged('search', 'feed'), '-', '+');
      expect(raw.length).toBe(entries.length);
      for (const [, fields] of raw) {
        expect([['k', 'i'], ['k', 'i', 'o']]).toContainEqual(fields.filter((_, i) => i % 2 === 0));
        expect(['p', 't']).toContain(fields[1]);
        if (fields.length > 4) expect(fields[5]).toMatch(MARK);
      }
    });

    describe('trimmed', () => {
      // Redis trims a stream by whole nodes of 100 entries (MAXLEN ~): append well past two.
      const APPENDS = 320;
      let small: SearchStore;
      let firstPos: string;
      const kept: string[] = [];
      beforeAll(async () => {
        small = smallStore(5);
        firstPos = await small.append([post()]);
        for (let i = 0; i < APPENDS / 40; i++) await small.append(Array.from({ length: 40 }, () => post()));
        // The newest few are kept whatever the trim: at least maxEntries stay.
        for (let i = 0; i < 3; i++) kept.push(await small.append([post()]));
      });
      afterAll(async () => {
        await small?.close();
      });

      test('a reader whose next entries were trimmed away is told of the gap', async () => {
        expect((await small.read(firstPos, 10, 0)).gap).toBe(true);
        expect((await small.read(firstPos, 10, 50)).gap).toBe(true);
      });

      test('a reader from the very start of a trimmed feed is told of the gap', async () => {
        expect((await small.read('', 10, 0)).gap).toBe(true);
      });

      test('a reader still inside the kept part of the feed reads on without a gap', async () => {
        const after = await small.read(kept[0]!, 10, 0);
        expect(after.gap).toBe(false);
        expect(after.entries.map((e) => e.pos)).toEqual(kept.slice(1));
        expect(await small.head()).toBe(kept[2]);
        expect(await small.read(kept[2]!, 10, 0)).toEqual({ entries: [], gap: false });
      });
    });
  });

  describe('the snapshot and the erase generation', () => {
    test('a snapshot is stored under the current generation and read back whole', async () => {
      const generation = await search.eraseGeneration();
      const s = { data: '{"index":"ä \\u0000 ✓"}', pos: await search.head(), generation };
      expect(await search.saveSnapshot(s)).toBe(true);
      expect(await search.loadSnapshot()).toEqual(s);
    });

    test('an erase appends its changes, drops the snapshot and moves the generation on, so an older snapshot is refused', async () => {
      const before = await search.eraseGeneration();
      expect(await search.saveSnapshot({ data: 'old words', pos: await search.head(), generation: before })).toBe(true);
      const from = await search.head();
      const changes = [post(), post('thread')];
      const pos = await search.erase(changes);
      expect(await search.head()).toBe(pos);
      const { entries } = await search.read(from, 10, 0);
      expect(entries.map(({ kind: k, id }) => ({ kind: k, id }))).toEqual(changes);
      expect(entries.at(-1)!.pos).toBe(pos);
      expect(await search.loadSnapshot()).toBeNull();
      const after = await search.eraseGeneration();
      expect(after).toBeGreaterThan(before);
      expect(await search.saveSnapshot({ data: 'taken before the erase', pos: from, generation: before })).toBe(false);
      expect(await search.loadSnapshot()).toBeNull();
      expect(await search.saveSnapshot({ data: 'taken after', pos, generation: after })).toBe(true);
      expect((await search.loadSnapshot())?.data).toBe('taken after');
    });

    test('a snapshot saved while an erase happens never survives it', async () => {
      for (let round = 0; round < 10; round++) {
        const generation = await search.eraseGeneration();
        await Promise.all([search.erase([post()]), search.saveSnapshot({ data: `round ${round}`, pos: await search.head(), generation })]);
        expect(await search.loadSnapshot()).toBeNull();
      }
    });
  });

  describe('leases and progress', () => {
    test('a lease is held by one owner at a time until released, and renewable by its holder', async () => {
      const name = `snapshot-${newId()}`;
      expect(await search.lease(name, 'A', 60_000)).toBe(true);
      expect(await search.lease(name, 'B', 60_000)).toBe(false);
      expect(await search.lease(name, 'A', 60_000)).toBe(true);
      await search.release(name, 'B');
      expect(await search.lease(name, 'B', 60_000)).toBe(false);
      await search.release(name, 'A');
      expect(await search.lease(name, 'B', 60_000)).toBe(true);
      expect(await search.lease(name, 'A', 60_000)).toBe(false);
      expect(await search.lease(`other-${newId()}`, 'A', 60_000)).toBe(true);
    });

    test('a lease its holder stops renewing passes to another owner once its time is up', async () => {
      const name = `reindex-${newId()}`;
      expect(await search.lease(name, 'A', 50)).toBe(true);
      await eventually(() => search.lease(name, 'B', 60_000), { what: 'B gets the expired lease' });
      expect(await search.lease(name, 'A', 60_000)).toBe(false);
    });

    test('progress is kept by name until cleared', async () => {
      const name = `reindex-${newId()}`;
      expect(await search.getProgress(name)).toBeNull();
      await search.setProgress(name, 'cursor:42');
      await search.setProgress(`other-${newId()}`, 'x');
      expect(await search.getProgress(name)).toBe('cursor:42');
      await search.setProgress(name, 'cursor:43');
      expect(await search.getProgress(name)).toBe('cursor:43');
      await search.setProgress(name, null);
      expect(await search.getProgress(name)).toBeNull();
    });
  });

  describe('forum posts for search', () => {
    const created = new Map<string, PostRecord>();
    const event = { event: 'post:created' as const, audience: 'all' as const };
    const threadWith = async (posts: number): Promise<PostRecord[]> => {
      const t = thread();
      const out = [postIn(t, 0)];
      expect(await stores.forum.createThread(t, out[0]!, event)).toBe(1);
      for (let n = 1; n < posts; n++) {
        const p = postIn(t, n);
        expect((await stores.forum.addPost(p, event)).ok).toBe(true);
        out.push(p);
      }
      for (const p of out) created.set(p.id, p);
      return out;
    };

    test('getPosts answers exactly the posts that exist, from any number of threads', async () => {
      const [a, b, c] = await Promise.all([threadWith(3), threadWith(2), threadWith(4)]);
      const orphan = postIn(thread(), 0);
      expect(await stores.forum.addPost(orphan, event)).toEqual({ ok: false, reason: 'no_thread' });
      const wanted = [a![0]!, a![2]!, b![1]!, c![0]!, c![3]!];
      const got = await stores.forum.getPosts([...wanted.map((p) => p.id), orphan.id, newId(), a![0]!.id]);
      expect([...got.keys()].sort()).toEqual(wanted.map((p) => p.id).sort());
      for (const p of wanted) expect(got.get(p.id)).toEqual({ ...p, seq: expect.any(Number) });
      expect((await stores.forum.getPosts([])).size).toBe(0);
    });

    test('scanPosts visits every post at least once, a few at a time, and ends with an empty cursor', async () => {
      // Redis answers a hash kept as a listpack in one HSCAN page whatever the count: make it big
      // enough to be paged.
      const compact = kind === 'memory' ? 0 : await listpackLimit(redisOf(stores)!.db.client);
      const threads = Math.ceil((compact + 40 - created.size) / 10);
      for (let i = 0; i < threads; i += 10) await Promise.all(Array.from({ length: Math.min(10, threads - i) }, () => threadWith(10)));
      expect(created.size).toBeGreaterThan(compact);
      const seen = new Map<string, PostRecord>();
      let cursor = '';
      let pages = 0;
      do {
        const page = await stores.forum.scanPosts(cursor, 7);
        for (const p of page.posts) seen.set(p.id, p);
        cursor = page.cursor;
        pages++;
        expect(pages).toBeLessThan(1_000);
      } while (cursor !== '');
      expect(pages).toBeGreaterThan(1);
      expect([...seen.keys()].sort()).toEqual([...created.keys()].sort());
      // The reindex command's progress bar ends at this count.
      expect(await stores.forum.countPosts()).toBe(created.size);
      for (const [id, p] of seen) expect(p).toEqual({ ...created.get(id), seq: expect.any(Number) });
    });
  });
});

/** How many fields a Redis hash may have and still be answered whole by one HSCAN. */
async function listpackLimit(client: RedisClient): Promise<number> {
  try {
    const [, value] = (await client.config('GET', 'hash-max-listpack-entries')) as string[];
    return Number(value ?? 512);
  } catch {
    return 512;
  }
}
