// A per-process read cache for the records every signed-in request reads (its session and its
// account) and every reply and thread page reads (its forum), kept correct across processes by
// invalidation over Redis pub/sub.
//
// Why: the session and account reads were two of the Redis round trips every signed-in request
// paid (measured back to back, the bench's GET /api/me floor went from 34% to 39% of bare
// express and post creation from 12% to 15%). Why by hand: lru-cache holds the entries, but no library couples an LRU to Redis
// pub/sub invalidation with the guarantees below.
//
// Guarantees:
// - A write in this process drops its key here before the write's promise resolves (read your
//   own writes) and publishes the key; every other process drops it when the message arrives.
// - A read that was in flight while any invalidation (or a reset) happened is answered but not
//   cached, so a reply read before a write can never be cached after that write's invalidation.
// - While the subscriber connection is down, nothing is served from or written to the cache, and
//   everything cached is dropped when it goes down: messages published meanwhile are lost, so
//   nothing cached before can be trusted after.
// - Entries also expire on their own (`ttlMs`, and a session at its own expiry), which bounds what
//   a lost message could leave behind.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { RedisClient, RedisDb } from './db.js';

export interface CacheBus {
  readonly healthy: boolean;
  publish(kind: string, key: string): Promise<void>;
  register(kind: string, onKey: (key: string) => void, onReset: () => void): void;
  close(): Promise<void>;
}

/** One subscriber connection per process (per store set) carrying every cache's invalidations. */
export class RedisCacheBus implements CacheBus {
  private up = false;
  private kinds = new Map<string, { onKey: (key: string) => void; onReset: () => void }>();
  private closed = false;
  private wasDown = false;

  /**
   * `publisher` must reach the very node `subscriber` listens on: once an invalidation resolves,
   * every process must already have it on the wire, ahead of anything the writer does next (a ban
   * closes the user's sockets right after; a verified address is read on another process next).
   * On a cluster, a PUBLISH sent to another node reaches this one only later, over the cluster
   * bus: a socket closed meanwhile let a banned member post once on another process.
   * `ownsPublisher`: close it with the bus.
   */
  constructor(
    readonly publisher: RedisDb,
    /** The subscriber connection (tests cut it to prove the cache steps aside). */
    readonly subscriber: RedisClient,
    private channel: string,
    private logger: Logger,
    private ownsPublisher = false,
  ) {
    subscriber.on('message', (ch: string, msg: string) => {
      if (ch !== this.channel) return;
      const colon = msg.indexOf(':');
      if (colon > 0) this.kinds.get(msg.slice(0, colon))?.onKey(msg.slice(colon + 1));
    });
    // After a reconnection ioredis says 'ready' first and subscribes again after it; our own
    // SUBSCRIBE, answered in order behind ioredis's, tells when messages flow again.
    subscriber.on('ready', () => {
      if (this.closed || this.up) return;
      this.subscriber.subscribe(this.channel).then(() => {
        if (this.closed || this.up || this.subscriber.status !== 'ready') return;
        this.up = true;
        if (this.wasDown) this.logger.info('cache invalidation channel restored: read caches in use again');
      }, () => {});
    });
    // A lost subscription always means a closed connection ('error' alone leaves it intact; the
    // handler connectRedis attached logs it).
    for (const ev of ['close', 'end', 'reconnecting']) subscriber.on(ev, () => this.down());
  }

  get healthy(): boolean {
    return this.up;
  }

  async start(): Promise<void> {
    if (this.ownsPublisher) await this.publisher.client.connect();
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
    this.up = true;
  }

  private down(): void {
    if (!this.up) return;
    this.up = false;
    this.wasDown = true;
    if (!this.closed) this.logger.warn('cache invalidation channel down: read caches cleared, reading Redis until it is back');
    for (const k of this.kinds.values()) k.onReset();
  }

  register(kind: string, onKey: (key: string) => void, onReset: () => void): void {
    this.kinds.set(kind, { onKey, onReset });
  }

  async publish(kind: string, key: string): Promise<void> {
    await this.publisher.run((r) => r.publish(this.channel, `${kind}:${key}`));
    // The PUBLISH reply alone does not mean the subscribers have the message: Redis queues the
    // reply and the messages in one event-loop turn and writes them out afterwards, the reply
    // first (7.0 puts the newest client at the head of its pending-write list); a Redis process
    // descheduled between those writes let a reader on another process get the old account (a
    // CI run under load read `emailVerified: false` right after the verification answered).
    // Redis reads the next command only after that turn's writes are done, and a write on
    // loopback is in the reader's socket before write() returns, so one more round trip means
    // every subscriber already holds the message, ahead of any request the writer's answer causes.
    await this.publisher.run((r) => r.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.down();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
    if (this.ownsPublisher) await this.publisher.client.quit().catch(() => this.publisher.client.disconnect());
  }
}

/** Taken before a read; `fill` caches what the read returned only if nothing changed meanwhile. */
export interface ReadTicket {
  generation: number;
  healthy: boolean;
}

/** What /metrics reports about one cache (counters since the process started). */
export interface ReadCacheStats {
  cache: string;
  hits: number;
  misses: number;
  invalidations: number;
  entries: number;
  channelUp: boolean;
}

export class ReadCache<V extends {}> {
  private lru: LRUCache<string, V>;
  private hits = 0;
  private misses = 0;
  private invalidations = 0;
  // Bumped by every invalidation and reset: a read that saw it change caches nothing.
  private generation = 0;

  constructor(
    private bus: CacheBus,
    private kind: string,
    opts: { max: number; ttlMs: number; now?: () => number },
  ) {
    // An injected clock (tests) is read at every lookup, so moving it expires entries at once.
    this.lru = new LRUCache<string, V>({ max: opts.max, ttl: opts.ttlMs, ...(opts.now && { perf: { now: opts.now }, ttlResolution: 0 }) });
    bus.register(kind, (key) => this.drop(key), () => this.reset());
  }

  ticket(): ReadTicket {
    return { generation: this.generation, healthy: this.bus.healthy };
  }

  /** The cached value, if the invalidation channel is up. */
  lookup(key: string): V | undefined {
    const hit = this.bus.healthy ? this.lru.get(key) : undefined;
    if (hit === undefined) this.misses++;
    else this.hits++;
    return hit;
  }

  /** Caches what a read begun at `ticket` returned, unless anything was invalidated meanwhile. */
  fill(ticket: ReadTicket, key: string, value: V | null, ttlMs?: number): void {
    if (value === null || !ticket.healthy || !this.bus.healthy || ticket.generation !== this.generation) return;
    if (ttlMs !== undefined && ttlMs <= 0) return;
    this.lru.set(key, value, ttlMs === undefined ? undefined : { ttl: Math.min(ttlMs, this.lru.ttl) });
  }

  /** The cached value, or `load()`'s answer (cached as `fill` says). */
  async get(key: string, load: () => Promise<{ value: V | null; ttlMs?: number }>): Promise<V | null> {
    const hit = this.lookup(key);
    if (hit !== undefined) return hit;
    const ticket = this.ticket();
    const { value, ttlMs } = await load();
    this.fill(ticket, key, value, ttlMs);
    return value;
  }

  /** After a write of `keys`: drop them here at once, then tell every other process. */
  async invalidate(...keys: string[]): Promise<void> {
    for (const key of keys) this.drop(key);
    await Promise.all(keys.map((key) => this.bus.publish(this.kind, key)));
  }

  private drop(key: string): void {
    this.generation++;
    this.invalidations++;
    this.lru.delete(key);
  }

  private reset(): void {
    this.generation++;
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  stats(): ReadCacheStats {
    return { cache: this.kind, hits: this.hits, misses: this.misses, invalidations: this.invalidations, entries: this.lru.size, channelUp: this.bus.healthy };
  }
}
