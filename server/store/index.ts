import type { Logger } from 'pino';
import { MemoryUserStore } from './memory/users.js';
import { MemorySessionStore } from './memory/sessions.js';
import { memoryLimiters, type LimiterFactory } from './rate-limit.js';
import type { ReadCacheStats } from './redis/read-cache.js';
import type { SocketAdapter } from './redis/socket-adapter.js';
import { createRedisStores } from './redis/index.js';
import type { UserStore } from './users.js';
import type { SessionStore } from './sessions.js';
import type { ForumStore } from './forum.js';
import { MemoryForumStore } from './memory/forum.js';
import type { ReferralStore } from './referrals.js';
import type { ModerationStore } from './moderation.js';
import type { TestimonialStore } from './testimonials.js';
import type { ResetTokenStore } from './reset-tokens.js';
import type { SearchStore } from './search.js';
import type { NotificationStore } from './notifications.js';
import type { JobQueue, StoreQueueOptions } from '../jobs/queue.js';
import { MemoryNotificationStore } from './memory/notifications.js';
import { MemorySearchStore } from './memory/search.js';
import { MemoryResetTokenStore } from './memory/reset-tokens.js';
import { MemoryTestimonialStore } from './memory/testimonials.js';
import { MemoryModerationStore } from './memory/moderation.js';
import { MemoryReferralStore } from './memory/referrals.js';

export type { ReadCacheStats as CacheStats } from './redis/read-cache.js';

export interface Stores {
  /** For the operator (start-up note, log): what holds the data. Code asks the capabilities below. */
  kind: 'memory' | 'redis';
  /**
   * The data outlives this process and every process shares it (Redis): worth storing what a
   * process would otherwise rebuild at start-up, such as the search index's snapshot.
   */
  durable: boolean;
  users: UserStore;
  sessions: SessionStore;
  forum: ForumStore;
  referrals: ReferralStore;
  moderation: ModerationStore;
  testimonials: TestimonialStore;
  /** Password-reset tokens, as hashes. */
  resetTokens: ResetTokenStore;
  /** E-mail verification tokens, as hashes: the same kind of store, kept apart from reset tokens. */
  verifyTokens: ResetTokenStore;
  /** The search index's change feed and snapshot. */
  search: SearchStore;
  /** Notifications, thread subscriptions, read positions, e-mail preferences. */
  notifications: NotificationStore;
  limiters: LimiterFactory;
  /** A shared store (Redis): a job queue of its own, whose jobs any process may run (server/jobs/ picks). */
  jobQueue?(opts: StoreQueueOptions): JobQueue;
  /** A shared store (Redis): the socket.io adapter that lets rooms span every process. */
  socketAdapter?(logger: Logger): SocketAdapter;
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

export function createMemoryStores(opts: Pick<StoreOptions, 'secret' | 'threadLogSize'>): Stores {
  const sessions = new MemorySessionStore();
  const search = new MemorySearchStore();
  return {
    kind: 'memory',
    durable: false,
    users: new MemoryUserStore(),
    sessions,
    forum: new MemoryForumStore(opts.threadLogSize ?? 500),
    referrals: new MemoryReferralStore(),
    moderation: new MemoryModerationStore(),
    testimonials: new MemoryTestimonialStore(),
    resetTokens: new MemoryResetTokenStore(),
    verifyTokens: new MemoryResetTokenStore(),
    search,
    notifications: new MemoryNotificationStore(),
    limiters: memoryLimiters(opts.secret),
    ping: async () => {},
    close: async () => {
      await search.close();
      await sessions.close();
    },
  };
}

/** Memory without REDIS_URL; with it, connects (waiting up to `timeoutMs` for the first connection). */
export async function createStores(opts: StoreOptions, timeoutMs = 10_000): Promise<Stores> {
  if (!opts.redisUrl) return createMemoryStores(opts);
  return createRedisStores({ ...opts, redisUrl: opts.redisUrl }, timeoutMs);
}
