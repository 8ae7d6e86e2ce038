import { makeStores, REDIS_URL, startAgora, testPrefix, cleanRedis, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, signedIn } from '../helpers/http.js';
import { expectRateLimited, LIMITS, limitsEnv, scenarios } from '../helpers/limit-bursts.js';
import { TestSmtpServer } from '../helpers/smtp.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import type { Stores } from '../../server/store/index.js';

// Every limit is one atomic check-and-consume in the store: a burst of N requests consumes exactly
// N points, and the answers past the limit are 429 with Retry-After, never 500 or 503.

const smtp = new TestSmtpServer();
beforeAll(() => smtp.start());
afterAll(() => smtp.stop());

describe.each(['memory', 'redis'] as const)('limits under concurrent bursts on the %s store', (store) => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ store, env: limitsEnv(smtp.url) });
  });
  afterAll(() => agora.close());

  for (const [name, run] of Object.entries(scenarios)) {
    test(name, () => run({ urls: [agora.url], users: agora.stores.users, smtp }));
  }
});

describe('when the store holding the limits cannot be reached', () => {
  const proxy = new TcpProxy(Number(new URL(REDIS_URL).port || 6379));
  const prefix = testPrefix();
  let agora: Running;
  let cut: Stores;
  let direct: Stores;

  beforeAll(async () => {
    cut = await makeStores('redis', prefix, `redis://127.0.0.1:${await proxy.start()}`);
    direct = await makeStores('redis', prefix);
    // Sessions and accounts stay reachable, so requests get as far as their limit.
    agora = await startAgora({ store: 'redis', prefix, env: limitsEnv(smtp.url), stores: { ...direct, limiters: cut.limiters } });
  });
  afterAll(async () => {
    await agora.close();
    await cut.close();
    await direct.close();
    await proxy.stop();
    await cleanRedis(prefix);
  });

  test('logins and previews answer 503 unavailable, not 429 or 500, and are limited again once it is back', async () => {
    const member = await signedIn(agora.url, agora.stores.users);
    await proxy.stop();
    const login = await new Client(agora.url).post('/api/auth/login', { username: member.user!.username, password: 'wrong password!' });
    const preview = await member.post('/api/preview', { body: 'a draft' });
    for (const res of [login, preview]) expect([res.status, res.body.error.code]).toEqual([503, 'unavailable']);

    await proxy.start();
    // ioredis reconnects on its own, backing off up to 2 s: ask until the limiter answers.
    const status = await eventually(async () => {
      const res = await member.post('/api/preview', { body: 'a draft' });
      expect(res.status).not.toBe(503);
      return res.status;
    }, { what: 'the limiter answers again', intervalMs: 100 });
    expect(status).toBe(200);
    // Only the preview that got through counted: nothing was taken while the store was away.
    const answers = await Promise.all(Array.from({ length: 6 }, () => member.post('/api/preview', { body: 'again' })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(LIMITS.previews - 1);
    answers.filter((a) => a.status !== 200).forEach(expectRateLimited);
  });
});
