import { createHmac } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { UnavailableError } from '../http/errors.js';
import type { RedisDb } from './redis/db.js';

/**
 * Every limit is a fixed window aligned to the clock (a day's starts at 00:00 UTC), counted by
 * rate-limiter-flexible's `consume`: one atomic increment-and-read in the store (a Lua script on
 * Redis, a synchronous update of a Map in memory). So N concurrent hits take exactly N points and at
 * most the window's points of them are allowed, however many processes share the store. There is
 * deliberately no "look without counting": a read followed by a write lets a burst through.
 *
 * The window's number is part of the key, so a refund goes back to the window its point was taken
 * from: a request that finishes after its window closed cannot hand the next window a point.
 */
export interface LimitResult {
  allowed: boolean;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
  /**
   * Gives this hit's point back, once, for a hit that turned out not to count (a right password
   * under a failures-only lockout, a write refused for another reason). Never fails: if the store
   * cannot be reached the point stays taken, the safe side of a limit.
   */
  refund(): Promise<void>;
}

export interface Limiter {
  /** Counts one hit; `allowed: false` once the window's points are used up. */
  consume(subject: string): Promise<LimitResult>;
}

export interface LimiterFactory {
  create(name: string, points: number, windowSeconds: number): Limiter;
}

type Clock = () => number;

class FlexibleLimiter implements Limiter {
  private windowMs: number;

  constructor(private rl: RateLimiterAbstract, private secret: string, private points: number, windowSeconds: number, private now: Clock) {
    this.windowMs = windowSeconds * 1000;
  }

  // Rate-limit keys outlive nothing but their window, yet still should not hold a username or
  // an IP address in the clear: they are HMACs of the subject.
  private k(subject: string, window: number): string {
    return `${createHmac('sha256', this.secret).update(subject).digest('base64url').slice(0, 22)}:${window}`;
  }

  async consume(subject: string): Promise<LimitResult> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    const endsAt = (window + 1) * this.windowMs;
    const key = this.k(subject, window);
    // The key lives until its window ends (the store drops it then), not a whole window from the first hit.
    const customDuration = Math.max(1, Math.ceil((endsAt - now) / 1000));
    let res: RateLimiterRes;
    try {
      res = await this.rl.consume(key, 1, { customDuration });
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw unavailable(err);
      res = err; // over the limit: the library rejects with the counted result
    }
    let given = false;
    return {
      allowed: res.consumedPoints <= this.points,
      retryAfterSeconds: Math.max(1, Math.ceil((endsAt - this.now()) / 1000)),
      refund: async () => {
        // Once, and only while the window lasts: after it, the point is gone with its key anyway.
        if (given || this.now() >= endsAt) return;
        given = true;
        await this.rl.reward(key, 1, { customDuration }).catch(() => {});
      },
    };
  }
}

function unavailable(err: unknown): UnavailableError {
  return new UnavailableError('store', (err as { code?: string }).code);
}

/**
 * One hit on each of several limits (a login counts for the account and for the address). When
 * any refuses, every point of this hit goes back: nothing was attempted, and a limit that let it
 * through should not pay for another's refusal. The answer waits for the longest of the refusals.
 */
export async function consumeEach(gates: ReadonlyArray<readonly [Limiter, string]>): Promise<LimitResult> {
  const settled = await Promise.allSettled(gates.map(([limiter, subject]) => limiter.consume(subject)));
  const hits = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const refund = async () => {
    await Promise.all(hits.map((h) => h.refund()));
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await refund();
    throw failed.reason;
  }
  const refused = hits.filter((h) => !h.allowed);
  if (refused.length === 0) return { allowed: true, retryAfterSeconds: 0, refund };
  await refund();
  return { allowed: false, retryAfterSeconds: Math.max(...refused.map((h) => h.retryAfterSeconds)), refund: async () => {} };
}

export function memoryLimiters(secret: string, now: Clock = Date.now): LimiterFactory {
  return {
    create: (name, points, windowSeconds) =>
      new FlexibleLimiter(new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds }), secret, points, windowSeconds, now),
  };
}

export function redisLimiters(db: RedisDb, secret: string, now: Clock = Date.now): LimiterFactory {
  return {
    create: (name, points, windowSeconds) =>
      new FlexibleLimiter(
        // consume runs the library's Lua script (SET NX EX, INCRBY, PTTL in one EVALSHA) on one key.
        new RateLimiterRedis({
          storeClient: db.client,
          keyPrefix: db.key('rl', name),
          points,
          duration: windowSeconds,
          rejectIfRedisNotReady: true,
        }),
        secret,
        points,
        windowSeconds,
        now,
      ),
  };
}
