import { createHmac } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { UnavailableError } from '../http/errors.js';
import type { RedisDb } from './redis/db.js';

export interface LimitResult { allowed: boolean; retryAfterSeconds: number; remaining: number }

/** A fixed-window counter named by purpose; keys are keyed hashes, never raw usernames or addresses. */
export interface Limiter {
  /** Counts one hit; `allowed: false` once the window's points are used up. */
  consume(subject: string, points?: number): Promise<LimitResult>;
  /** Answers whether a hit would still be allowed, without counting one. */
  peek(subject: string): Promise<LimitResult>;
  reset(subject: string): Promise<void>;
  /** Gives back points of a hit that turned out not to count (the request was refused later). */
  refund(subject: string, points?: number): Promise<void>;
}

export interface LimiterFactory {
  create(name: string, points: number, windowSeconds: number): Limiter;
}

class FlexibleLimiter implements Limiter {
  constructor(private rl: RateLimiterAbstract, private secret: string, private points: number) {}

  // Rate-limit keys outlive nothing but their window, yet still should not hold a username or
  // an IP address in the clear: they are HMACs of the subject.
  private k(subject: string): string {
    return createHmac('sha256', this.secret).update(subject).digest('base64url').slice(0, 22);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RateLimiterRes) return err as T;
      throw new UnavailableError('store', (err as { code?: string }).code);
    }
  }

  async consume(subject: string, points = 1): Promise<LimitResult> {
    const res = await this.call(() => this.rl.consume(this.k(subject), points));
    return this.result(res);
  }

  async peek(subject: string): Promise<LimitResult> {
    const res = await this.call(() => this.rl.get(this.k(subject)));
    if (!res) return { allowed: true, retryAfterSeconds: 0, remaining: this.points };
    return { allowed: res.consumedPoints < this.points, retryAfterSeconds: Math.ceil(res.msBeforeNext / 1000), remaining: Math.max(0, this.points - res.consumedPoints) };
  }

  async refund(subject: string, points = 1): Promise<void> {
    await this.call(() => this.rl.reward(this.k(subject), points));
  }

  async reset(subject: string): Promise<void> {
    await this.call(() => this.rl.delete(this.k(subject)));
  }

  private result(res: RateLimiterRes): LimitResult {
    const allowed = res.consumedPoints <= this.points;
    return { allowed, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)), remaining: res.remainingPoints };
  }
}

export function memoryLimiters(secret: string): LimiterFactory {
  return {
    create: (name, points, duration) =>
      new FlexibleLimiter(new RateLimiterMemory({ keyPrefix: name, points, duration }), secret, points),
  };
}

export function redisLimiters(db: RedisDb, secret: string): LimiterFactory {
  return {
    create: (name, points, duration) =>
      new FlexibleLimiter(
        new RateLimiterRedis({
          storeClient: db.client,
          keyPrefix: db.key('rl', name),
          points,
          duration,
          rejectIfRedisNotReady: true,
        }),
        secret,
        points,
      ),
  };
}
