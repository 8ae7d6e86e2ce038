import type { SessionStore } from '../sessions.js';
import type { RedisDb } from './db.js';
import type { ReadCache } from './read-cache.js';

// A session is one key with its own TTL. The per-user index is a sorted set scored by expiry
// (in the user's hash tag): expired members are trimmed on read, so it never outgrows the live sessions.
// PEXPIRE NX/GT need Redis 7.
export class RedisSessionStore implements SessionStore {
  /** `cache`: a session is read on every signed-in request; see read-cache.ts for the guarantees. */
  constructor(
    private db: RedisDb,
    private cache?: ReadCache<string>,
  ) {}

  private sess = (sid: string) => this.db.key('sess', sid);
  private index = (userId: string) => this.db.tagged(`u:${userId}`, 'sessions');

  async get(sid: string): Promise<string | null> {
    if (!this.cache) return this.db.run((r) => r.get(this.sess(sid)));
    // The remaining TTL comes along, so a cached session never outlives its key.
    return this.cache.get(sid, async () => {
      const key = this.sess(sid);
      const [value, ttlMs] = await this.db.run((r) => Promise.all([r.get(key), r.pttl(key)]));
      return { value, ttlMs: ttlMs > 0 ? ttlMs : 0 };
    });
  }

  async set(sid: string, data: string, ttlMs: number, userId: string | null): Promise<void> {
    const ttl = Math.max(1, Math.floor(ttlMs));
    await this.db.run(async (r) => {
      await r.set(this.sess(sid), data, 'PX', ttl);
      if (userId) {
        const idx = this.index(userId);
        await r.zadd(idx, Date.now() + ttl, sid);
        // The index must outlive every session in it, and sessions end at different times (idle
        // deadlines move): give it an expiry if it has none, else only ever push it later.
        await r.pexpire(idx, ttl, 'NX');
        await r.pexpire(idx, ttl, 'GT');
      }
    });
    await this.cache?.invalidate(sid);
  }


  async destroy(sid: string): Promise<void> {
    await this.db.run((r) => r.del(this.sess(sid)));
    await this.cache?.invalidate(sid);
  }

  async listForUser(userId: string): Promise<string[]> {
    const idx = this.index(userId);
    return this.db.run(async (r) => {
      await r.zremrangebyscore(idx, '-inf', String(Date.now()));
      const sids = await r.zrange(idx, '0', '-1');
      if (!sids.length) return [];
      // Session keys live in different slots, so existence is checked one key at a time.
      const alive = await Promise.all(sids.map((sid) => r.exists(this.sess(sid))));
      return sids.filter((_, i) => alive[i] === 1);
    });
  }

  async destroyForUser(userId: string, exceptSid?: string): Promise<number> {
    const sids = (await this.listForUser(userId)).filter((s) => s !== exceptSid);
    await this.db.run(async (r) => {
      await Promise.all(sids.map((sid) => r.del(this.sess(sid))));
      if (sids.length) await r.zrem(this.index(userId), ...sids);
      if (!exceptSid) await r.del(this.index(userId));
    });
    await this.cache?.invalidate(...sids);
    return sids.length;
  }
}
