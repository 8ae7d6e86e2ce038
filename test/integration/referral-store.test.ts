import { Redis } from 'ioredis';
import { cleanBackend, cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import type { Stores } from '../../server/store/index.js';
import { newId } from '../../server/store/ids.js';
import { newFormToken } from '../../server/referral/tokens.js';

const HOUR = 3600_000;

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s referral store', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores.close();
    await cleanBackend(kind, prefix);
  });

  const issued = async (memberId = newId(), ttlMs = HOUR) => {
    const token = newFormToken();
    await stores.referrals.issueToken(token, memberId, ttlMs);
    return { token, memberId };
  };

  test('an issued token belongs to its member and is reserved by exactly one of many concurrent attempts', async () => {
    const { token, memberId } = await issued();
    expect(await stores.referrals.getToken(token)).toEqual({ state: 'issued', memberId, check: null, since: expect.any(Number) });
    const results = await Promise.all(Array.from({ length: 30 }, () => stores.referrals.reserve(token, memberId, 'ab12', HOUR)));
    expect(results.filter((r) => r.kind === 'reserved')).toEqual([{ kind: 'reserved', previous: 'issued' }]);
    for (const r of results.filter((x) => x.kind !== 'reserved')) {
      expect(r).toEqual({ kind: 'taken', record: { state: 'sending', memberId, check: 'ab12', since: expect.any(Number) } });
    }
  });

  test("another member's token and an unknown token are invalid, and reserving them changes nothing", async () => {
    const { token, memberId } = await issued();
    expect(await stores.referrals.reserve(token, newId(), 'ab12', HOUR)).toEqual({ kind: 'invalid' });
    expect(await stores.referrals.reserve(newFormToken(), memberId, 'ab12', HOUR)).toEqual({ kind: 'invalid' });
    expect((await stores.referrals.getToken(token))?.state).toBe('issued');
    expect(await stores.referrals.getToken(newFormToken())).toBeNull();
  });

  test('a failed send makes the token reservable again and drops its payload check; so does putting it back', async () => {
    const { token, memberId } = await issued();
    await stores.referrals.reserve(token, memberId, 'ab12', HOUR);
    expect(await stores.referrals.settle(token, 'failed')).toBe(true);
    expect(await stores.referrals.getToken(token)).toMatchObject({ state: 'failed', check: null });
    expect(await stores.referrals.reserve(token, memberId, 'cd34', HOUR)).toEqual({ kind: 'reserved', previous: 'failed' });
    expect(await stores.referrals.settle(token, 'failed')).toBe(true);
    await stores.referrals.reserve(token, memberId, 'cd34', HOUR);
    expect(await stores.referrals.settle(token, 'issued')).toBe(true);
    expect(await stores.referrals.getToken(token)).toMatchObject({ state: 'issued', check: null });
  });

  test.each(['sent', 'unknown', 'suppressed'] as const)('"%s" is final: the token is never reserved again, and keeps its check', async (outcome) => {
    const { token, memberId } = await issued();
    await stores.referrals.reserve(token, memberId, 'ab12', HOUR);
    expect(await stores.referrals.settle(token, outcome)).toBe(true);
    expect(await stores.referrals.reserve(token, memberId, 'ab12', HOUR)).toEqual({
      kind: 'taken', record: { state: outcome, memberId, check: 'ab12', since: expect.any(Number) },
    });
    // An outcome is recorded once, from `sending` only.
    expect(await stores.referrals.settle(token, 'failed')).toBe(false);
    expect((await stores.referrals.getToken(token))?.state).toBe(outcome);
  });

  test('an outcome cannot be recorded for a token that was never reserved', async () => {
    const { token } = await issued();
    expect(await stores.referrals.settle(token, 'sent')).toBe(false);
    expect(await stores.referrals.settle(newFormToken(), 'sent')).toBe(false);
    expect((await stores.referrals.getToken(token))?.state).toBe('issued');
  });

  test('a token expires after its time to live, unless a reservation needs it longer to keep the outcome', async () => {
    // Redis expires keys on its own clock: a short time to live, then ask until it has run out.
    // The reservation must come within the first token's short life; a busy machine may be slower
    // than that, and then a fresh token is issued until one is reserved in time.
    const reserved = await eventually(async () => {
      const t = await issued(newId(), 150);
      expect(await stores.referrals.reserve(t.token, t.memberId, 'ab12', 60_000)).toEqual({ kind: 'reserved', previous: 'issued' });
      return t;
    }, { what: 'a token is reserved within its first lifetime' });
    // Issued after the reservation, so once it has lapsed the reserved token's first lifetime is over too.
    const lapsing = await issued(newId(), 150);
    await eventually(async () => (await stores.referrals.getToken(lapsing.token)) === null, { what: 'the unreserved token lapses' });
    expect(await stores.referrals.reserve(lapsing.token, lapsing.memberId, 'ab12', HOUR)).toEqual({ kind: 'invalid' });
    expect((await stores.referrals.getToken(reserved.token))?.state).toBe('sending');
  });

  test('only a written fingerprint is on the opt-out list', async () => {
    const fp = newFormToken();
    expect(await stores.referrals.isOptedOut(fp)).toBe(false);
    await stores.referrals.addOptOut(fp);
    await stores.referrals.addOptOut(fp);
    expect(await stores.referrals.isOptedOut(fp)).toBe(true);
    expect(await stores.referrals.isOptedOut(newFormToken())).toBe(false);
  });
});

test('in Redis a token is one expiring hash named by its hash, holding only state, member, check and time', async () => {
  const prefix = testPrefix();
  const stores = await makeStores('redis', prefix);
  const r = new Redis(REDIS_URL);
  try {
    const token = newFormToken();
    const memberId = newId();
    await stores.referrals.issueToken(token, memberId, HOUR);
    await stores.referrals.reserve(token, memberId, 'ab12', HOUR);
    await stores.referrals.addOptOut('fingerprint-1');
    const keys = (await r.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}referral:optout:fingerprint-1`, expect.stringMatching(new RegExp(`^${prefix}referral:token:[A-Za-z0-9_-]{43}$`))]);
    const tokenKey = keys[1]!;
    expect(tokenKey).not.toContain(token);
    expect(await r.hgetall(tokenKey)).toEqual({ state: 'sending', member: memberId, check: 'ab12', since: expect.stringMatching(/^\d+$/) });
    expect(await r.pttl(tokenKey)).toBeGreaterThan(HOUR - 60_000);
    expect(await r.ttl(`${prefix}referral:optout:fingerprint-1`)).toBe(-1);
  } finally {
    r.disconnect();
    await stores.close();
    await cleanRedis(prefix);
  }
});
