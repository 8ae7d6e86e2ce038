import { cleanBackend, eachRedisNode, makeStores, redisTarget, scanRedisKeys, testPrefix, type Backend } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { fakeDateOnly } from '../helpers/fake-date.js';
import type { Stores } from '../../server/store/index.js';
import type { UserRecord } from '../../server/store/users.js';
import { newId, newToken } from '../../server/store/ids.js';

const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: newId(),
  username: `u${newToken(6)}`.replace(/[^A-Za-z0-9]/g, 'x'),
  email: 'someone@example.com',
  passwordHash: 'scrypt$1$1$1$a$b',
  role: 'member',
  createdAt: new Date().toISOString(),
  referralCode: newToken(8),
  referredBy: null,
  ban: null,
  ...over,
});

/** Ends the limiter windows whose keys start with `keyPrefix`, as their expiry in Redis would. */
async function endWindows(kind: Exclude<Backend, 'memory'>, keyPrefix: string): Promise<void> {
  await eachRedisNode(await redisTarget(kind), async (node) => {
    for await (const keys of scanRedisKeys(node, keyPrefix)) await Promise.all(keys.map((k) => node.del(k)));
  });
}

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

  describe('users', () => {
    test('a created user is found by id, by username in any case, and by referral code', async () => {
      const u = user({ username: 'MixedCase_1' + newToken(3).replace(/[^A-Za-z0-9]/g, '') });
      expect(await stores.users.create(u)).toBe(true);
      expect(await stores.users.get(u.id)).toEqual(u);
      expect((await stores.users.findByUsername(u.username.toUpperCase()))?.id).toBe(u.id);
      expect((await stores.users.findByReferralCode(u.referralCode))?.id).toBe(u.id);
    });

    test('a username is unique case-insensitively', async () => {
      const a = user();
      expect(await stores.users.create(a)).toBe(true);
      expect(await stores.users.create(user({ username: a.username.toUpperCase() }))).toBe(false);
    });

    test('when ten people sign up with one name at once, exactly one gets it', async () => {
      const name = user().username;
      const results = await Promise.all(Array.from({ length: 10 }, () => stores.users.create(user({ username: name }))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test('an update changes only the fields given, and null clears a ban', async () => {
      const u = user();
      await stores.users.create(u);
      const ban = { reason: 'spam', by: 'mod', at: new Date().toISOString(), until: null };
      expect((await stores.users.update(u.id, { ban }))?.ban).toEqual(ban);
      const cleared = await stores.users.update(u.id, { ban: null, role: 'moderator' });
      expect(cleared).toEqual({ ...u, ban: null, role: 'moderator' });
      expect(await stores.users.update(newId(), { role: 'admin' })).toBeNull();
    });

    test('a bio is kept on the user record, changed alone and emptied', async () => {
      const u = user();
      await stores.users.create(u);
      const bio = 'Knits, bakes, "quotes" and ünïcode\nover two lines';
      expect(await stores.users.update(u.id, { bio })).toEqual({ ...u, bio });
      expect(await stores.users.get(u.id)).toEqual({ ...u, bio });
      expect((await stores.users.findByUsername(u.username))?.bio).toBe(bio);
      expect((await stores.users.update(u.id, { role: 'moderator' }))?.bio).toBe(bio);
      expect((await stores.users.update(u.id, { bio: '' }))?.bio).toBe('');
    });

    test('a deleted user is gone from every index and the name is free again', async () => {
      const u = user();
      await stores.users.create(u);
      await stores.users.delete(u.id);
      expect(await stores.users.get(u.id)).toBeNull();
      expect(await stores.users.findByUsername(u.username)).toBeNull();
      expect(await stores.users.findByReferralCode(u.referralCode)).toBeNull();
      expect(await stores.users.create(user({ username: u.username }))).toBe(true);
    });

    test('the listing pages in name order, finds a part of a name in any case, filters, and forgets the deleted', async () => {
      const tag = newToken(6).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase();
      const names = ['Carol', 'alice', 'Bob', 'dave', 'Erin'].map((n) => `${n}_${tag}`);
      const made = names.map((username, i) => user({ username, role: i === 2 ? 'moderator' : 'member' }));
      for (const u of made) expect(await stores.users.create(u)).toBe(true);
      const all = (_u: UserRecord) => true;
      const pageOf = (query: string, after: string | null, limit: number, match = all) => stores.users.list({ query, match, after, limit });
      const first = await pageOf(`_${tag.toUpperCase()}`, null, 2);
      expect(first.items.map((u) => u.username)).toEqual([`alice_${tag}`, `Bob_${tag}`]);
      expect(first.next).toBe(`bob_${tag}`);
      const second = await pageOf(`_${tag}`, first.next, 2);
      expect(second.items.map((u) => u.username)).toEqual([`Carol_${tag}`, `dave_${tag}`]);
      const last = await pageOf(`_${tag}`, second.next, 2);
      expect(last).toEqual({ items: [made[4]], next: null });
      expect((await pageOf(`ob_${tag}`, null, 10)).items.map((u) => u.id)).toEqual([made[2]!.id]);
      expect((await pageOf(tag, null, 10, (u) => u.role === 'moderator')).items.map((u) => u.id)).toEqual([made[2]!.id]);
      await stores.users.delete(made[1]!.id);
      expect((await pageOf(tag, null, 10)).items.map((u) => u.username)).toEqual([`Bob_${tag}`, `Carol_${tag}`, `dave_${tag}`, `Erin_${tag}`]);
      expect((await pageOf(`nobody-${tag}`, null, 10))).toEqual({ items: [], next: null });
    });

    test('sign-ups are counted per referrer, and getMany answers only users that exist', async () => {
      const ref = user();
      await stores.users.create(ref);
      await stores.users.create(user({ referredBy: ref.id }));
      await stores.users.create(user({ referredBy: ref.id }));
      expect(await stores.users.countReferredBy(ref.id)).toBe(2);
      const many = await stores.users.getMany([ref.id, newId()]);
      expect([...many.keys()]).toEqual([ref.id]);
    });
  });

  describe('sessions', () => {
    // Redis expires keys on its own clock, so expiry is awaited: the session is read back under a
    // long time to live (however slow the machine), then given a short one and polled until gone.
    test('a session is read back until it expires, then it is gone', async () => {
      const sid = newToken();
      await stores.sessions.set(sid, '{"a":1}', 60_000, null);
      expect(await stores.sessions.get(sid)).toBe('{"a":1}');
      await stores.sessions.set(sid, '{"a":1}', 100, null);
      await eventually(async () => (await stores.sessions.get(sid)) === null, { what: 'the session expires' });
    });

    test("ending a user's sessions keeps the current one and leaves other users alone", async () => {
      const [a, b, c, other] = [newToken(), newToken(), newToken(), newToken()];
      const uid = newId();
      for (const sid of [a, b, c]) await stores.sessions.set(sid, '{}', 60_000, uid);
      await stores.sessions.set(other, '{}', 60_000, newId());
      expect((await stores.sessions.listForUser(uid)).sort()).toEqual([a, b, c].sort());
      expect(await stores.sessions.destroyForUser(uid, a)).toBe(2);
      expect(await stores.sessions.get(a)).toBe('{}');
      expect(await stores.sessions.get(b)).toBeNull();
      expect(await stores.sessions.get(other)).toBe('{}');
      await stores.sessions.destroy(a);
      expect(await stores.sessions.listForUser(uid)).toEqual([]);
    });

    test("a session that ends sooner than an earlier one of its user does not hide it from sign-out-everywhere", async () => {
      const [long, short] = [newToken(), newToken()];
      const uid = newId();
      await stores.sessions.set(long, '{}', 60_000, uid);
      await stores.sessions.set(short, '{}', 100, uid); // idle deadlines differ from session to session
      await eventually(async () => (await stores.sessions.get(short)) === null, { what: 'the short session expires' });
      expect(await stores.sessions.listForUser(uid)).toEqual([long]);
      expect(await stores.sessions.destroyForUser(uid)).toBe(1);
      expect(await stores.sessions.get(long)).toBeNull();
    });

  });

  describe('rate limits', () => {
    test('a limiter allows its points per window, then tells how long to wait', async () => {
      const l = stores.limiters.create(`t-${newToken(4)}`, 3, 60);
      for (let i = 0; i < 3; i++) expect((await l.consume('alice')).allowed).toBe(true);
      const over = await l.consume('alice');
      expect(over.allowed).toBe(false);
      expect(over.retryAfterSeconds).toBeGreaterThan(0);
      expect(over.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await l.consume('bob')).allowed).toBe(true);
    });

    test('when thirty hits arrive at once on a limit of five, exactly five are allowed', async () => {
      const l = stores.limiters.create(`t-${newToken(4)}`, 5, 60);
      const hits = await Promise.all(Array.from({ length: 30 }, () => l.consume('alice')));
      expect(hits.filter((h) => h.allowed)).toHaveLength(5);
      expect((await l.consume('alice')).allowed).toBe(false);
    });

    test('a refund gives its one point back, however often it is called', async () => {
      const l = stores.limiters.create(`t-${newToken(4)}`, 2, 60);
      const first = await l.consume('alice');
      expect((await l.consume('alice')).allowed).toBe(true);
      await Promise.all([first.refund(), first.refund()]);
      await first.refund();
      expect((await l.consume('alice')).allowed).toBe(true);
      expect((await l.consume('alice')).allowed).toBe(false);
    });

    // The window's end is the test's to say: the process reads the faked date, and the window's
    // count in the store is ended by hand (on Redis, its key is deleted, as its expiry would).
    test('a refund that comes after its window ended gives the next window nothing', async () => {
      fakeDateOnly();
      try {
        const name = `t-${newToken(4)}`;
        const l = stores.limiters.create(name, 2, 60);
        const old = await l.consume('alice');
        expect((await l.consume('alice')).allowed).toBe(true);
        expect((await l.consume('alice')).allowed).toBe(false);
        jest.setSystemTime(Date.now() + 61_000);
        if (kind !== 'memory') await endWindows(kind, `${prefix}rl:${name}:`);
        expect((await l.consume('alice')).allowed).toBe(true); // a new window
        await old.refund();
        const next = await Promise.all([l.consume('alice'), l.consume('alice')]);
        expect(next.map((h) => h.allowed).sort()).toEqual([false, true]);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
