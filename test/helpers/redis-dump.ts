import { eachRedisNode, REDIS_URL, scanRedisKeys, type RedisTarget } from './agora.js';

/** Every key under `prefix` with its whole value, whatever its type, as one string to search. */
export async function dumpRedis(prefix: string, target: string | RedisTarget = REDIS_URL): Promise<string> {
  const parts: string[] = [];
  // On a cluster, every primary is scanned and read through its own connection: single-key reads only.
  await eachRedisNode(typeof target === 'string' ? { url: target, cluster: false } : target, async (r) => {
    for await (const keys of scanRedisKeys(r, prefix)) {
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
    }
  });
  return parts.join('\n');
}
