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

export interface Stores {
  kind: 'memory' | 'redis';
  users: UserStore;
  sessions: SessionStore;
  forum: ForumStore;
  referrals: ReferralStore;
  moderation: ModerationStore;
  testimonials: TestimonialStore;
  limiters: LimiterFactory;
  /** Present with Redis: the connection details realtime needs for its adapter. */
  redis?: { db: RedisDb; url: string; cluster: boolean };
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
}

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

export function createRedisStoresOn(client: RedisClient, opts: Omit<StoreOptions, 'logger'> & { redisUrl: string }): Stores {
  const db = new RedisDb(client, opts.keyPrefix);
  return {
    kind: 'redis',
    users: new RedisUserStore(db),
    sessions: new RedisSessionStore(db),
    forum: new RedisForumStore(db, opts.threadLogSize ?? 500),
    referrals: new RedisReferralStore(db),
    moderation: new RedisModerationStore(db),
    testimonials: new RedisTestimonialStore(db),
    limiters: redisLimiters(db, opts.secret),
    redis: { db, url: opts.redisUrl, cluster: !!opts.cluster },
    ping: () => db.ping(),
    close: async () => {
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
  return createRedisStoresOn(client, { ...opts, redisUrl: opts.redisUrl });
}
