// The rate limits on Redis: every process counts in the same keys, so a limit holds across them.
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { FlexibleLimiter, type LimiterFactory } from '../rate-limit.js';
import type { RedisDb } from './db.js';

// rate-limiter-flexible's `reward` would start a new window with a negative count when the hit's
// window is gone; this checks the window and gives the point back in one step.
const REFUND_LUA = `
local ttl = redis.call('pttl', KEYS[1])
if ttl <= 0 or math.abs(ttl - tonumber(ARGV[1])) > tonumber(ARGV[2]) then return 0 end
if (tonumber(redis.call('get', KEYS[1])) or 0) <= 0 then return 0 end
redis.call('decr', KEYS[1])
return 1`;

export function redisLimiters(db: RedisDb, secret: string): LimiterFactory {
  db.defineScripts({ limitRefund: { keys: 1, lua: REFUND_LUA } });
  return {
    create: (name, points, windowSeconds) => {
      // consume runs the library's Lua script (SET NX EX, INCRBY, PTTL in one EVALSHA) on one key.
      const rl = new RateLimiterRedis({ storeClient: db.client, keyPrefix: db.key('rl', name), points, duration: windowSeconds, rejectIfRedisNotReady: true });
      const half = (windowSeconds * 1000) / 2;
      return new FlexibleLimiter(rl, secret, points, (key, msLeft) =>
        db.run(db.script('limitRefund', rl.getKey(key), Math.round(msLeft), half)).then(() => {}));
    },
  };
}
