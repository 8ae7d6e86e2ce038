import type { Logger } from 'pino';
import { connectRedis, RedisDb, type RedisClient } from './redis/db.js';
import { MemoryUserStore } from './memory/users.js';
import { MemorySessionStore } from './memory/sessions.js';
import { RedisUserStore } from './redis/users.js';
import { RedisSessionStore } from './redis/sessions.js';
import { memoryLimiters, redisLimiters, type LimiterFactory } from './rate-limit.js';
import type { UserStore } from './users.js';
import type { SessionStore } from './sessions.js';
import type { ForumStore } from './forum.js';
import { MemoryForumStore } from './memory/forum.js';
import { RedisForumStore } from './redis/forum.js';
import type { ReferralStore } from './referrals.js';
import type { ModerationStore } from './moderation.js';
import type { TestimonialStore } from './testimonials.js';
import { MemoryTestimonialStore } from './memory/testimonials.js';
import { RedisTestimonialStore } from './redis/testimonials.js';
import { MemoryModerationStore } from './memory/moderation.js';
import { RedisModerationStore } from './redis/moderation.js';
import { MemoryReferralStore } from './memory/referrals.js';
import { RedisReferralStore } from './redis/referrals.js';
import { ReadCache, RedisCacheBus, type ReadCacheStats } from './redis/read-cache.js';
import type { UserRecord } from './users.js';

export interface Stores {
  kind: 'memory' | 'redis';
  users: UserStore;
  sessions: SessionStore;
  forum: ForumStore;
  referrals: ReferralStore;
  moderation: ModerationStore;
  testimonials: TestimonialStore;
  limiters: LimiterFactory;
  /** Present with Redis: the connection details realtime needs for its adapter, and the read cache's channel. */
  redis?: { db: RedisDb; url: string; cluster: boolean; cacheBus?: RedisCacheBus };
  /** The per-process read caches (Redis only), for /metrics. */
  cacheStats?(): ReadCacheStats[];
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  redisUrl?: string;
  cluster?: boolean;
  keyPrefix: string;
  /** Keys the HMACs inside rate-limit keys. */
  secret: string;
  /** Events kept per thread for catch-up (THREAD_LOG_SIZE). */
  threadLogSize?: number;
  logger: Logger;
  /**
   * Redis only: keep sessions and accounts in a per-process cache invalidated over pub/sub
   * (redis/read-cache.ts). On by default; off, every read goes to Redis.
   */
  readCache?: boolean;
}

// Sized for the signed-in members one process serves at once; the TTL only bounds what a lost
// invalidation message could leave behind (a lost connection clears everything at once).
const CACHE = { max: 10_000, ttlMs: 30_000 };

export function createMemoryStores(opts: Pick<StoreOptions, 'secret' | 'threadLogSize'>): Stores {
  const sessions = new MemorySessionStore();
  return {
    kind: 'memory',
    users: new MemoryUserStore(),
    sessions,
    forum: new MemoryForumStore(opts.threadLogSize ?? 500),
    referrals: new MemoryReferralStore(),
    moderation: new MemoryModerationStore(),
    testimonials: new MemoryTestimonialStore(),
    limiters: memoryLimiters(opts.secret),
    ping: async () => {},
    close: async () => sessions.close(),
  };
}

function createRedisStoresOn(client: RedisClient, opts: Omit<StoreOptions, 'logger'> & { redisUrl: string }, db: RedisDb, bus?: RedisCacheBus): Stores {
  const userCache = bus && new ReadCache<UserRecord>(bus, 'user', CACHE);
  const sessionCache = bus && new ReadCache<string>(bus, 'session', CACHE);
  return {
    kind: 'redis',
    users: new RedisUserStore(db, userCache),
    sessions: new RedisSessionStore(db, sessionCache),
    ...(userCache && sessionCache ? { cacheStats: () => [sessionCache.stats(), userCache.stats()] } : {}),
    forum: new RedisForumStore(db, opts.threadLogSize ?? 500),
    referrals: new RedisReferralStore(db),
    moderation: new RedisModerationStore(db),
    testimonials: new RedisTestimonialStore(db),
    limiters: redisLimiters(db, opts.secret),
    redis: { db, url: opts.redisUrl, cluster: !!opts.cluster, cacheBus: bus },
    ping: () => db.ping(),
    close: async () => {
      await bus?.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** Memory without REDIS_URL; with it, connects (waiting up to `timeoutMs` for the first connection). */
export async function createStores(opts: StoreOptions, timeoutMs = 10_000): Promise<Stores> {
  if (!opts.redisUrl) return createMemoryStores(opts);
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
