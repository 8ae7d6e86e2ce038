// GET /api/auth/csrf is stateless for anonymous visitors: crawlers and visitors who never sign in
// cost no stored session, and the token still protects login and sign-up.
import request from 'supertest';
import { cleanRedis, eachRedisNode, makeStores, redisTarget, scanRedisKeys, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { Client, uniqueName } from '../helpers/http.js';
import type { Stores } from '../../server/store/index.js';

const PASSWORD = 'correct horse battery';

/** Session keys this prefix holds in Redis (every session is `<prefix>sess:<id>`). */
async function redisSessionKeys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  await eachRedisNode(await redisTarget('redis'), async (node) => {
    for await (const keys of scanRedisKeys(node, `${prefix}sess`)) found.push(...keys);
  });
  return found;
}

describe.each(['memory', 'redis'] as const)('anonymous CSRF tokens on the %s store', (store) => {
  const prefix = testPrefix();
  let agora: Running;
  let stores: Stores;
  let sessionWrites = 0;

  beforeAll(async () => {
    stores = await makeStores(store, prefix);
    // Every session write goes through here, whichever backend.
    const set = stores.sessions.set.bind(stores.sessions);
    stores.sessions.set = (...args) => {
      sessionWrites++;
      return set(...args);
    };
    agora = await startAgora({ store, prefix, stores });
  });
  afterAll(async () => {
    await agora.close();
    await stores.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  test('a hundred anonymous token requests store no session and set no session cookie', async () => {
    const before = sessionWrites;
    const answers = await Promise.all(Array.from({ length: 100 }, () => request(agora.url).get('/api/auth/csrf')));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(typeof res.body.token).toBe('string');
      const cookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
      expect(cookies.some((c) => c.startsWith('agora.sid='))).toBe(false);
    }
    expect(sessionWrites - before).toBe(0);
    if (store === 'redis') expect(await redisSessionKeys(prefix)).toEqual([]);
  });

  test('an anonymous token signs a visitor up, and another signs a member in', async () => {
    const visitor = new Client(agora.url);
    const { username } = await visitor.register();
    const member = new Client(agora.url);
    await member.token(); // GET /api/auth/csrf, as the sign-in page does
    const res = await member.login(username, PASSWORD);
    expect(res.status).toBe(200);
    expect((await member.get('/api/auth/me')).body.user.username).toBe(username);
    // Signed-in sessions are stored, and counted where the first test found none.
    if (store === 'redis') expect((await redisSessionKeys(prefix)).length).toBeGreaterThan(0);
  });

  test('the token from the login answer works; the one from before sign-in and the one from before sign-out do not', async () => {
    const owner = new Client(agora.url);
    const { username } = await owner.register();
    const c = new Client(agora.url);
    const anonymous = await c.token();
    expect((await c.login(username, PASSWORD)).status).toBe(200);
    const signedIn = c.csrf!;
    expect(signedIn).not.toBe(anonymous);

    const preview = (token: string) => c.agent.post('/api/preview').set('X-CSRF-Token', token).send({ body: 'hello' });
    expect((await preview(signedIn)).status).toBe(200);
    const stale = await preview(anonymous);
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('csrf_failed');

    const cookiesBefore = c.cookieHeader();
    expect((await c.agent.post('/api/auth/logout').set('X-CSRF-Token', signedIn)).status).toBe(204);
    // Signed out, the old token no longer passes, even with the old cookies replayed.
    const after = await request(agora.url).post('/api/auth/login').set('Cookie', cookiesBefore).set('X-CSRF-Token', signedIn).send({ username, password: PASSWORD });
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe('csrf_failed');
  });

  test('a token without its cookie, or a cookie without its token, is refused', async () => {
    const c = new Client(agora.url);
    const token = await c.token();
    const noCookie = await request(agora.url).post('/api/auth/login').set('X-CSRF-Token', token).send({ username: uniqueName(), password: PASSWORD });
    expect(noCookie.status).toBe(403);
    expect(noCookie.body.error.code).toBe('csrf_failed');
    const noToken = await c.agent.post('/api/auth/login').send({ username: uniqueName(), password: PASSWORD });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf_failed');
  });
});
