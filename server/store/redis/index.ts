import type { Stores, StoreOptions } from '../index.js';
import { redisLimiters } from './rate-limit.js';
import type { UserRecord } from '../users.js';
import type { ForumRecord } from '../forum.js';
import { connectRedis, RedisDb, type RedisClient } from './db.js';
import { RedisUserStore } from './users.js';
import { RedisSessionStore } from './sessions.js';
import { RedisForumStore } from './forum.js';
import { RedisTestimonialStore } from './testimonials.js';
import { RedisModerationStore } from './moderation.js';
import { RedisReferralStore } from './referrals.js';
import { RedisResetTokenStore } from './reset-tokens.js';
import { RedisSearchStore } from './search.js';
import { RedisNotificationStore } from './notifications.js';
import { ReadCache, RedisCacheBus } from './read-cache.js';
import { redisSocketAdapter } from './socket-adapter.js';
import { BullJobQueue } from './job-queue.js';

// Sized for the signed-in members one process serves at once; the TTL only bounds what a lost
// invalidation message could leave behind (a lost connection clears everything at once).
const CACHE = { max: 10_000, ttlMs: 30_000 };

/** What Redis's own tests and benches reach into: the connection and the read cache's channel. */
export interface RedisInternals { db: RedisDb; url: string; cluster: boolean; cacheBus?: RedisCacheBus }
const internals = new WeakMap<Stores, RedisInternals>();

/** The Redis behind stores built here (undefined for any other stores); not part of `Stores`. */
export const redisOf = (stores: Stores): RedisInternals | undefined => internals.get(stores);

function createRedisStoresOn(client: RedisClient, opts: Omit<StoreOptions, 'logger'> & { redisUrl: string }, db: RedisDb, bus?: RedisCacheBus): Stores {
  const userCache = bus && new ReadCache<UserRecord>(bus, 'user', CACHE);
  const sessionCache = bus && new ReadCache<string>(bus, 'session', CACHE);
  // Forums are read by every reply (is it archived?) and thread page, and change only by an admin.
  const forumCache = bus && new ReadCache<ForumRecord>(bus, 'forum', CACHE);
  const search = new RedisSearchStore(db);
  const stores: Stores = {
    kind: 'redis',
    durable: true,
    users: new RedisUserStore(db, userCache),
    sessions: new RedisSessionStore(db, sessionCache),
    ...(userCache && sessionCache && forumCache ? { cacheStats: () => [sessionCache.stats(), userCache.stats(), forumCache.stats()] } : {}),
    forum: new RedisForumStore(db, opts.threadLogSize ?? 500, forumCache),
    referrals: new RedisReferralStore(db),
    moderation: new RedisModerationStore(db),
    testimonials: new RedisTestimonialStore(db),
    resetTokens: new RedisResetTokenStore(db),
    verifyTokens: new RedisResetTokenStore(db, 'verify'),
    search,
    notifications: new RedisNotificationStore(db),
    limiters: redisLimiters(db, opts.secret),
    jobQueue: (q) => new BullJobQueue({ ...q, client: db.client, keyPrefix: db.prefix }),
    socketAdapter: (logger) => redisSocketAdapter({ url: opts.redisUrl, cluster: !!opts.cluster, prefix: db.prefix, logger }),
    ping: () => db.ping(),
    close: async () => {
      await bus?.close();
      await search.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
  internals.set(stores, { db, url: opts.redisUrl, cluster: !!opts.cluster, cacheBus: bus });
  return stores;
}

/** Connects (waiting up to `timeoutMs` for the first connection) and builds every store on Redis. */
export async function createRedisStores(opts: StoreOptions & { redisUrl: string }, timeoutMs: number): Promise<Stores> {
  const client = connectRedis({ url: opts.redisUrl, cluster: !!opts.cluster, logger: opts.logger });
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error('Redis did not answer in time')), timeoutMs).unref();
  });
  try {
    await Promise.race([client.connect(), timer]);
  } catch (err) {
    client.disconnect();
    throw new Error(`REDIS_URL: could not connect to Redis (${(err as { code?: string }).code ?? (err as Error).message})`);
  }
  const db = new RedisDb(client, opts.keyPrefix);
  let bus: RedisCacheBus | undefined;
  if (opts.readCache !== false) {
    // Plain connections even on a cluster, both to the seed node: invalidations are published on
    // the node every process listens on (see RedisCacheBus). If that node is down, the bus is
    // down and every read goes to Redis, which is slower but never stale.
    const subscriber = connectRedis({ url: opts.redisUrl, cluster: false, logger: opts.logger, failFast: false });
    const publisher = opts.cluster ? new RedisDb(connectRedis({ url: opts.redisUrl, cluster: false, logger: opts.logger }), opts.keyPrefix) : db;
    bus = new RedisCacheBus(publisher, subscriber, db.key('cache-invalidation'), opts.logger, publisher !== db);
    try {
      await Promise.race([bus.start(), timer]);
    } catch (err) {
      await bus.close();
      client.disconnect();
      throw new Error(`REDIS_URL: could not subscribe to Redis (${(err as { code?: string }).code ?? (err as Error).message})`);
    }
  }
  return createRedisStoresOn(client, { ...opts, redisUrl: opts.redisUrl }, db, bus);
}
