import { Redis } from 'ioredis';
import { cleanBackend, makeStores, redisTarget, testPrefix } from '../helpers/agora.js';
import type { Stores } from '../../server/store/index.js';
import type { UserRecord } from '../../server/store/users.js';
import { newId, newToken } from '../../server/store/ids.js';

// Accounts made before the Redis name index existed are in the names hash only: the first listing
// adds them, so an upgraded site lists everyone.

let stores: Stores;
let raw: Redis;
const prefix = testPrefix();
beforeAll(async () => {
  stores = await makeStores('redis', prefix);
  raw = new Redis((await redisTarget('redis')).url);
});
afterAll(async () => {
  raw?.disconnect();
  await stores?.close();
  await cleanBackend('redis', prefix);
});

test('a listing fills a missing or stale name index from the names hash, then pages in name order', async () => {
  const tag = newToken(6).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase();
  const made: UserRecord[] = ['zed', 'Amy', 'kim'].map((n) => ({
    id: newId(), username: `${n}_${tag}`, email: 'x@example.com', passwordHash: 'h', role: 'member', createdAt: new Date().toISOString(),
    referralCode: newToken(8), referredBy: null, ban: null,
  }));
  for (const u of made) expect(await stores.users.create(u)).toBe(true);
  const index = `${prefix}{users}:byname`;
  const names = async () => (await stores.users.list({ query: tag, match: () => true, after: null, limit: 10 })).items.map((u) => u.username);

  await raw.del(index);
  expect(await names()).toEqual([`Amy_${tag}`, `kim_${tag}`, `zed_${tag}`]);
  expect(await raw.zcard(index)).toBe(3);

  await raw.zrem(index, `kim_${tag}`);
  expect(await names()).toEqual([`Amy_${tag}`, `kim_${tag}`, `zed_${tag}`]);
});
