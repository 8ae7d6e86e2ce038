import { createHmac } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { Unavailable } from '../errors.js';

/**
 * Every limit is a fixed window that starts at its subject's first hit, counted by
 * rate-limiter-flexible's `consume`: one atomic increment-and-read in the store (a Lua script on
 * Redis, a synchronous update of a Map in memory; the Redis limiter is in redis/rate-limit.ts). So N concurrent hits take exactly N points and at
 * most the window's points of them are allowed, however many processes share the store. There is
 * deliberately no "look without counting": a read followed by a write lets a burst through.
 */
export interface LimitResult {
  allowed: boolean;
  /** Seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
  /**
   * Gives this hit's point back, once, for a hit that turned out not to count (a right password
   * under a failures-only lockout, a write refused for another reason), and only to the window it
   * was taken from: once that has ended, the next window gets nothing extra. Never fails: if the
   * store cannot be reached the point stays taken, the safe side of a limit.
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

/**
 * Takes one point off `key` if the window there is still the one a hit saw: its remaining life
 * matches `msLeft` (the hit's window end, as this process counts) within half a window. A window
 * begun later ends at least a whole window later, so the two cannot be confused.
 */
export type GiveBack = (key: string, msLeft: number) => Promise<void>;

/** A limit counted by one of rate-limiter-flexible's limiters (memory here, Redis in redis/). */
export class FlexibleLimiter implements Limiter {
  constructor(private rl: RateLimiterAbstract, private secret: string, private points: number, private giveBack: GiveBack) {}

  // Rate-limit keys outlive nothing but their window, yet still should not hold a username or
  // an IP address in the clear: they are HMACs of the subject.
  private k(subject: string): string {
    return createHmac('sha256', this.secret).update(subject).digest('base64url').slice(0, 22);
  }

  async consume(subject: string): Promise<LimitResult> {
    const key = this.k(subject);
    let res: RateLimiterRes;
    try {
      res = await this.rl.consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw new Unavailable('store', (err as { code?: string }).code);
      res = err; // over the limit: the library rejects with the counted result
    }
    // The wall clock, deliberately, not the app's injected one: the window ages by the clock that
    // keeps it (rate-limiter-flexible's Date.now in memory, Redis's own on Redis), and the refund
    // checks what is left of it, so its measure must run with that clock.
    const endsAt = Date.now() + res.msBeforeNext;
    let given = false;
    return {
      allowed: res.consumedPoints <= this.points,
      retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      refund: async () => {
        if (given) return;
        given = true;
        await this.giveBack(key, endsAt - Date.now()).catch(() => {});
      },
    };
  }
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

export function memoryLimiters(secret: string): LimiterFactory {
  return {
    create: (name, points, windowSeconds) => {
      const rl = new RateLimiterMemory({ keyPrefix: name, points, duration: windowSeconds });
      const half = (windowSeconds * 1000) / 2;
      return new FlexibleLimiter(rl, secret, points, async (key, msLeft) => {
        const now = await rl.get(key);
        // The read and the reward are a microtask apart, so the window cannot end between them
        // unless it had under a second left: then the point comes back with the window anyway.
        if (!now || now.consumedPoints <= 0 || now.msBeforeNext < 1000 || Math.abs(now.msBeforeNext - msLeft) > half) return;
        await rl.reward(key, 1);
      });
    },
  };
}
