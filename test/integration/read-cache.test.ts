// The per-process session and account cache on a real Redis (and on the test cluster): two store
// sets on one prefix stand for two Agora processes. A write on one reaches the other's cache over
// pub/sub; with its subscriber connection cut, a process reads Redis every time until it is back.
import { Redis } from 'ioredis';
import { cleanBackend, makeStores, redisTarget, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import type { Stores } from '../../server/store/index.js';
import type { UserRecord } from '../../server/store/users.js';
import type { RedisClient } from '../../server/store/redis/db.js';
import { redisOf } from '../../server/store/redis/index.js';

describe.each(['redis', 'redis-cluster'] as const)('read cache on %s', (kind) => {
  const prefix = testPrefix();
  let a: Stores;
  let b: Stores;
  let raw: RedisClient;
  let n = 0;
  const user = (): UserRecord => {
    n++;
    return {
      id: `${prefix}u${n}`, username: `cache${n}${Date.now()}`, email: `c${n}@example.com`, passwordHash: 'x', role: 'member',
      createdAt: new Date().toISOString(), referralCode: `code${n}${Date.now()}`, referredBy: null, ban: null,
    };
  };
  // The account record as stored, changed behind the stores' back (no invalidation is published).
  const sneak = async (u: UserRecord, role: UserRecord['role']) => {
    await raw.set(redisOf(a)!.db.tagged('users', 'u', u.id), JSON.stringify({ ...u, role }));
  };

  beforeAll(async () => {
    a = await makeStores(kind, prefix);
    b = await makeStores(kind, prefix);
    raw = redisOf(a)!.db.client;
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await cleanBackend(kind, prefix);
  });

  test('an account read once is served from the cache; an update on the other process reaches it', async () => {
    const u = user();
    expect(await a.users.create(u)).toBe(true);
    expect((await b.users.get(u.id))?.role).toBe('member');
    await sneak(u, 'admin');
    expect((await b.users.get(u.id))?.role).toBe('member'); // cached: Redis was not asked
    expect((await b.users.getMany([u.id])).get(u.id)?.role).toBe('member');
    await a.users.update(u.id, { role: 'moderator' });
    expect((await a.users.get(u.id))?.role).toBe('moderator'); // the writer reads its own write at once
    await eventually(async () => (await b.users.get(u.id))?.role === 'moderator', { what: 'B sees the new role' });
    expect((await b.users.getMany([u.id])).get(u.id)?.role).toBe('moderator');
  });

  test("a forum read once is served from the cache; archiving it on the other process reaches it, and the writer's own reads at once", async () => {
    const forum = { id: `${prefix}f${++n}`, slug: `cache-forum-${n}-${Date.now()}`, title: 'Cached', description: '', createdAt: new Date().toISOString() };
    expect(await b.forum.getForum(forum.id)).toBeNull();
    expect(await a.forum.createForum(forum)).toBe(true);
    expect(await b.forum.getForum(forum.id)).toEqual(forum); // a forum not found is not remembered as missing
    // Changed behind the stores' back (no invalidation published): B answers from its cache.
    await raw.hset(redisOf(a)!.db.tagged('forums', 'all'), forum.id, JSON.stringify({ ...forum, title: 'Sneaked' }));
    expect((await b.forum.getForum(forum.id))?.title).toBe('Cached');
    const mine = (await b.forum.getForum(forum.id))!;
    mine.archived = true; // a caller's copy: the cache keeps its own
    expect((await b.forum.getForum(forum.id))?.archived).toBeUndefined();
    await a.forum.updateForum(forum.id, { archived: true });
    expect((await a.forum.getForum(forum.id))?.archived).toBe(true);
    await eventually(async () => (await b.forum.getForum(forum.id))?.archived === true, { what: 'B sees the forum archived' });
  });

  test('a ban and a deletion on one process reach the other', async () => {
    const u = user();
    await a.users.create(u);
    await b.users.get(u.id);
    await a.users.update(u.id, { ban: { reason: 'spam', by: 'mod', at: new Date().toISOString(), until: null } });
    await eventually(async () => (await b.users.get(u.id))?.ban?.reason === 'spam', { what: 'B sees the ban' });
    await a.users.delete(u.id);
    await eventually(async () => (await b.users.get(u.id)) === null, { what: 'B sees the deletion' });
  });

  test('what a caller changes on a record it got does not change the cache', async () => {
    const u = user();
    await a.users.create(u);
    const got = (await b.users.get(u.id))!;
    got.role = 'admin';
    got.ban = { reason: 'x', by: 'y', at: 'z', until: null };
    const again = (await b.users.get(u.id))!;
    expect(again.role).toBe('member');
    expect(again.ban).toBeNull();
  });

  test('a session destroyed on one process, or signed out with all of a user\'s sessions, is gone on the other', async () => {
    await a.sessions.set(`${prefix}s1`, '{"n":1}', 60_000, `${prefix}owner`);
    await a.sessions.set(`${prefix}s2`, '{"n":2}', 60_000, `${prefix}owner`);
    expect(await b.sessions.get(`${prefix}s1`)).toBe('{"n":1}');
    expect(await b.sessions.get(`${prefix}s2`)).toBe('{"n":2}');
    await a.sessions.set(`${prefix}s1`, '{"n":11}', 60_000, `${prefix}owner`);
    await eventually(async () => (await b.sessions.get(`${prefix}s1`)) === '{"n":11}', { what: 'B sees the rewritten session' });
    await a.sessions.destroy(`${prefix}s1`);
    expect(await a.sessions.get(`${prefix}s1`)).toBeNull();
    await eventually(async () => (await b.sessions.get(`${prefix}s1`)) === null, { what: 'B sees the session gone' });
    await a.sessions.destroyForUser(`${prefix}owner`);
    await eventually(async () => (await b.sessions.get(`${prefix}s2`)) === null, { what: 'B sees every session of the user gone' });
  });

  test('a cached session does not outlive its key', async () => {
    // B must read (and cache) the session while its short life lasts. A busy machine may take
    // longer than that between A's write and B's read: then B finds nothing, caches nothing, and
    // the session is written again until B has read it.
    await eventually(async () => {
      await a.sessions.set(`${prefix}short`, '{"short":true}', 1_000, null);
      expect(await b.sessions.get(`${prefix}short`)).toBe('{"short":true}');
    }, { what: 'B reads the session before it expires' });
    // Redis expires the key on its own clock, so this waits for it; the wait's bound (15 s) is
    // half the cache's own lifetime (30 s), so a cache that kept the session past its key fails.
    await eventually(async () => (await b.sessions.get(`${prefix}short`)) === null, { what: 'B no longer has the expired session', timeoutMs: 15_000 });
  });

  test('with its subscriber connection cut, a process reads Redis every time until the channel is back', async () => {
    const u = user();
    await a.users.create(u);
    await b.users.get(u.id);
    await sneak(u, 'admin');
    expect((await b.users.get(u.id))?.role).toBe('member');
    const bus = redisOf(b)!.cacheBus!;
    const port = (bus.subscriber as Redis).stream.localPort;
    // The subscriber is a plain connection to the seed node, also on the cluster.
    const { url } = await redisTarget(kind);
    const admin = new Redis(url);
    try {
      expect(await admin.client('KILL', 'ADDR', `127.0.0.1:${port}`)).toBe(1); // one client killed
    } finally {
      admin.disconnect();
    }
    await eventually(async () => !bus.healthy, { what: 'B notices' });
    expect((await b.users.get(u.id))?.role).toBe('admin'); // nothing cached survives the cut
    await sneak(u, 'moderator');
    // Whatever the channel's state now, nothing stale may come back: either B is still reading
    // Redis, or it is back and cached the fresh record only after it resubscribed.
    expect((await b.users.get(u.id))?.role).toBe('moderator');
    await eventually(async () => bus.healthy, { what: 'the channel is back' });
    expect((await b.users.get(u.id))?.role).toBe('moderator');
    await sneak(u, 'member');
    expect((await b.users.get(u.id))?.role).toBe('moderator'); // caching again
    await a.users.update(u.id, { role: 'admin' });
    await eventually(async () => (await b.users.get(u.id))?.role === 'admin', { what: 'B hears invalidations again' });
  });

  test('invalidations are published on the very node the subscribers listen on', async () => {
    // Redis writes a PUBLISH into its own subscribers' connections before it answers; a PUBLISH
    // to another cluster node would reach them later, over the cluster bus (see RedisCacheBus).
    for (const stores of [a, b]) {
      const bus = redisOf(stores)!.cacheBus!;
      const publisher = bus.publisher.client as Redis;
      const subscriber = bus.subscriber as Redis;
      expect(publisher).toBeInstanceOf(Redis); // a plain connection, also on the cluster
      expect(publisher.stream.remotePort).toBe(subscriber.stream.remotePort);
      expect(publisher.stream.remoteAddress).toBe(subscriber.stream.remoteAddress);
    }
  });

  test('with readCache: false, a process reads Redis every time', async () => {
    const { url } = await redisTarget(kind);
    const { createStores } = await import('../../server/store/index.js');
    const { silentLogger } = await import('../helpers/agora.js');
    const plain = await createStores({ redisUrl: url, cluster: kind === 'redis-cluster', keyPrefix: prefix, secret: 'test', logger: silentLogger(), readCache: false });
    try {
      const u = user();
      await a.users.create(u);
      expect((await plain.users.get(u.id))?.role).toBe('member');
      await sneak(u, 'admin');
      expect((await plain.users.get(u.id))?.role).toBe('admin');
      expect(redisOf(plain)!.cacheBus).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
