import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import type { Stores } from '../../server/store/index.js';
import { resetTokenHash } from '../../server/store/reset-tokens.js';
import { emailKey, type UserRecord } from '../../server/store/users.js';
import { newId, newToken } from '../../server/store/ids.js';
import { RedisUserStore } from '../../server/store/redis/users.js';
import { createHash } from 'node:crypto';
import { redisOf } from '../../server/store/redis/index.js';

// The password-reset parts of the store, the same on every backend: tokens kept as hashes, taken
// once, expiring by the service's clock; accounts found by address.

const HOUR = 3600_000;
const T0 = Date.parse('2031-05-06T07:00:00Z');

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: newId(),
  username: `u${newToken(6)}`.replace(/[^A-Za-z0-9]/g, 'x'),
  email: `${newToken(6).replace(/[^A-Za-z0-9]/g, 'x')}@example.com`,
  passwordHash: 'scrypt$1$1$1$a$b',
  role: 'member',
  createdAt: new Date().toISOString(),
  referralCode: newToken(8),
  referredBy: null,
  ban: null,
  ...over,
});

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s store', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  describe('reset tokens', () => {
    test('a token is taken once: its account the first time, nothing after', async () => {
      const hash = resetTokenHash(newToken(32));
      await stores.resetTokens.issue(hash, 'user-1', T0, HOUR);
      expect(await stores.resetTokens.take(hash, T0 + 1000)).toBe('user-1');
      expect(await stores.resetTokens.take(hash, T0 + 2000)).toBeNull();
    });

    test('ten takes of one token at once: exactly one gets the account', async () => {
      const hash = resetTokenHash(newToken(32));
      await stores.resetTokens.issue(hash, 'user-2', T0, HOUR);
      const taken = await Promise.all(Array.from({ length: 10 }, () => stores.resetTokens.take(hash, T0 + 1)));
      expect(taken.filter((t) => t !== null)).toEqual(['user-2']);
    });

    test('a token is refused once its hour is over by the clock it was issued with, and an unknown one always', async () => {
      const hash = resetTokenHash(newToken(32));
      await stores.resetTokens.issue(hash, 'user-3', T0, HOUR);
      expect(await stores.resetTokens.take(hash, T0 + HOUR)).toBeNull();
      expect(await stores.resetTokens.take(resetTokenHash('never issued'), T0)).toBeNull();
    });

    test("deleting an account's tokens leaves other accounts' tokens usable", async () => {
      const [a1, a2, b] = [newToken(32), newToken(32), newToken(32)].map(resetTokenHash);
      await stores.resetTokens.issue(a1!, 'user-a', T0, HOUR);
      await stores.resetTokens.issue(a2!, 'user-a', T0, HOUR);
      await stores.resetTokens.issue(b!, 'user-b', T0, HOUR);
      await stores.resetTokens.deleteForUser('user-a');
      expect(await stores.resetTokens.take(a1!, T0 + 1)).toBeNull();
      expect(await stores.resetTokens.take(a2!, T0 + 1)).toBeNull();
      expect(await stores.resetTokens.take(b!, T0 + 1)).toBe('user-b');
    });
  });

  describe('accounts by address', () => {
    test('every account with an address is found, whatever the case of its letters, and no other', async () => {
      const address = `Shared.${newToken(6).replace(/[^A-Za-z0-9]/g, 'x')}@Example.com`;
      const one = user({ email: address });
      const two = user({ email: address.toLowerCase() });
      await stores.users.create(one);
      await stores.users.create(two);
      await stores.users.create(user());
      const found = await stores.users.findByEmail(` ${address.toUpperCase()} `);
      expect(found.map((u) => u.id).sort()).toEqual([one.id, two.id].sort());
      expect(await stores.users.findByEmail('nobody@example.com')).toEqual([]);
    });

    test('a changed address finds the account under the new address only, and a deleted account is found under none', async () => {
      const u = user();
      await stores.users.create(u);
      const moved = `moved.${newToken(6).replace(/[^A-Za-z0-9]/g, 'x')}@example.org`;
      await stores.users.update(u.id, { email: moved });
      expect(await stores.users.findByEmail(u.email)).toEqual([]);
      expect((await stores.users.findByEmail(moved)).map((x) => x.id)).toEqual([u.id]);
      await stores.users.delete(u.id);
      expect(await stores.users.findByEmail(moved)).toEqual([]);
    });

    // Redis only: the memory store has no index that an older version could have left unbuilt.
    if (kind !== 'memory') test('accounts made before the address index existed are found once a process builds it', async () => {
      const u = user();
      await stores.users.create(u);
      const db = redisOf(stores)!.db;
      // As an older Agora left them: no address set, no marker.
      await db.client.del(db.tagged('users', 'email', createHash('sha256').update(emailKey(u.email)).digest('base64url')), db.tagged('users', 'email-indexed'));
      expect((await new RedisUserStore(db).findByEmail(u.email)).map((x) => x.id)).toEqual([u.id]);
    });
  });
});
