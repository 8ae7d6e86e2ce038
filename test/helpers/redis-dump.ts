import { Redis } from 'ioredis';
import { REDIS_URL } from './agora.js';

/** Every key under `prefix` with its whole value, whatever its type, as one string to search. */
export async function dumpRedis(prefix: string, url = REDIS_URL): Promise<string> {
  const r = new Redis(url, { lazyConnect: true });
  await r.connect();
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await r.type(key);
        let value: unknown;
        if (type === 'string') value = await r.get(key);
        else if (type === 'hash') value = await r.hgetall(key);
        else if (type === 'list') value = await r.lrange(key, 0, -1);
        else if (type === 'set') value = await r.smembers(key);
        else if (type === 'zset') value = await r.zrange(key, '0', '-1', 'WITHSCORES');
        else if (type === 'stream') value = await r.xrange(key, '-', '+');
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return parts.join('\n');
}
