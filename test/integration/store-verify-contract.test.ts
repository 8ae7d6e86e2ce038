import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import type { Stores } from '../../server/store/index.js';
import { resetTokenHash } from '../../server/store/reset-tokens.js';
import { newToken } from '../../server/store/ids.js';

// The e-mail verification links live in a second instance of the single-use link store (the one
// password reset uses), on every backend: the same contract over a week, and kept apart from the
// reset links, so a hash issued for one purpose is never taken, or deleted, through the other.

const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;
const T0 = Date.parse('2031-05-06T07:00:00Z');
const hash = () => resetTokenHash(newToken(32));

describe.each(['memory', 'redis', 'redis-cluster'] as const)('verification tokens on the %s store', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  test('a token is taken once within its week, by the clock it was issued with, and an unknown one never', async () => {
    const [once, late] = [hash(), hash()];
    await stores.verifyTokens.issue(once, 'user-1', T0, WEEK);
    await stores.verifyTokens.issue(late, 'user-1', T0, WEEK);
    expect(await stores.verifyTokens.take(once, T0 + WEEK - 1)).toBe('user-1');
    expect(await stores.verifyTokens.take(once, T0 + WEEK - 1)).toBeNull();
    expect(await stores.verifyTokens.take(late, T0 + WEEK)).toBeNull();
    expect(await stores.verifyTokens.take(hash(), T0)).toBeNull();
  });

  test('ten takes of one token at once: exactly one gets the account', async () => {
    const h = hash();
    await stores.verifyTokens.issue(h, 'user-2', T0, WEEK);
    const taken = await Promise.all(Array.from({ length: 10 }, () => stores.verifyTokens.take(h, T0 + 1)));
    expect(taken.filter((t) => t !== null)).toEqual(['user-2']);
  });

  test("forgetting an account's links leaves other accounts' links usable", async () => {
    const [a1, a2, b] = [hash(), hash(), hash()];
    await stores.verifyTokens.issue(a1, 'user-a', T0, WEEK);
    await stores.verifyTokens.issue(a2, 'user-a', T0, WEEK);
    await stores.verifyTokens.issue(b, 'user-b', T0, WEEK);
    await stores.verifyTokens.deleteForUser('user-a');
    expect(await stores.verifyTokens.take(a1, T0 + 1)).toBeNull();
    expect(await stores.verifyTokens.take(a2, T0 + 1)).toBeNull();
    expect(await stores.verifyTokens.take(b, T0 + 1)).toBe('user-b');
  });

  test('verification and reset links are kept apart: neither is taken nor forgotten through the other', async () => {
    const [verify, reset] = [hash(), hash()];
    await stores.verifyTokens.issue(verify, 'user-c', T0, WEEK);
    await stores.resetTokens.issue(reset, 'user-c', T0, 3600_000);
    expect(await stores.resetTokens.take(verify, T0 + 1)).toBeNull();
    expect(await stores.verifyTokens.take(reset, T0 + 1)).toBeNull();
    await stores.resetTokens.deleteForUser('user-c');
    expect(await stores.verifyTokens.take(verify, T0 + 1)).toBe('user-c');
    await stores.resetTokens.issue(reset, 'user-d', T0, 3600_000);
    await stores.verifyTokens.deleteForUser('user-d');
    expect(await stores.resetTokens.take(reset, T0 + 1)).toBe('user-d');
  });
});
