import { startAgora, type Running } from '../helpers/agora.js';
import { Client, uniqueName } from '../helpers/http.js';

const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('agora.sid='))?.split(';')[0];

describe.each(['memory', 'redis'] as const)('accounts on the %s store', (store) => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ store, env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '1000' } });
  });
  afterAll(() => agora.close());

  test('a visitor signs up, is signed in, and sees themself with their referral code', async () => {
    const c = new Client(agora.url);
    const { username } = await c.register();
    const me = await c.get('/api/auth/me').expect(200);
    expect(me.body.user).toEqual({
      id: expect.any(String), username, role: 'member', createdAt: expect.any(String),
      referralCode: expect.any(String), banned: false, bannedUntil: null, emailVerified: false,
      can: { moderate: false, administer: false },
    });
    expect(JSON.stringify(me.body)).not.toMatch(/passwordHash|example\.com/);
  });

  test('a taken username answers 409 conflict, whatever its case', async () => {
    const a = new Client(agora.url);
    const { username } = await a.register();
    const b = new Client(agora.url);
    const res = await b.post('/api/auth/register', { username: username.toUpperCase(), email: 'x@example.com', password: 'another long password' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  test('sign-up input is checked field by field without echoing it', async () => {
    const c = new Client(agora.url);
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'ab', email: 'a@example.com', password: 'long enough pw' }, 'username'],
      [{ username: 'has space', email: 'a@example.com', password: 'long enough pw' }, 'username'],
      [{ username: uniqueName(), email: 'not-an-address', password: 'long enough pw' }, 'email'],
      [{ username: uniqueName(), email: 'a@example.com', password: 'short' }, 'password'],
      [{ username: uniqueName(), email: 'a@example.com', password: 'x'.repeat(257) }, 'password'],
      [{ username: uniqueName(), email: 'a@example.com' }, 'password'],
      [{ username: 42, email: 'a@example.com', password: 'long enough pw' }, 'username'],
    ];
    for (const [body, field] of cases) {
      const res = await c.post('/api/auth/register', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', details: { field } });
      expect(JSON.stringify(res.body)).not.toContain('not-an-address');
    }
  });

  test('login works, and the session id changes at login', async () => {
    const a = new Client(agora.url);
    const { username, password } = await a.register();
    const c = new Client(agora.url);
    // A visitor holds a session before signing in when they came through a referral link.
    const landing = await c.agent.get(`/r/${a.user!.referralCode}`);
    const before = sessionCookie(landing);
    expect(before).toBeDefined();
    const tokenRes = await c.agent.get('/api/auth/csrf').expect(200);
    c.csrf = tokenRes.body.token;
    const res = await c.login(username, password);
    expect(res.status).toBe(200);
    expect(res.body.user.username).toBe(username);
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await c.get('/api/auth/me').expect(200);
  });

  test('a wrong password and an unknown user get the identical 401', async () => {
    const a = new Client(agora.url);
    const { username } = await a.register();
    const c = new Client(agora.url);
    const wrong = await c.post('/api/auth/login', { username, password: 'definitely wrong pw' });
    const unknown = await c.post('/api/auth/login', { username: uniqueName('nobody'), password: 'definitely wrong pw' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  test('repeated wrong passwords for one account are throttled with 429 and Retry-After, even with the right one', async () => {
    const a = new Client(agora.url);
    const { username, password } = await a.register();
    const c = new Client(agora.url);
    for (let i = 0; i < 3; i++) expect((await c.post('/api/auth/login', { username, password: 'wrong password!' })).status).toBe(401);
    const blocked = await c.post('/api/auth/login', { username, password });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('logout ends the session', async () => {
    const c = new Client(agora.url);
    await c.register();
    await c.get('/api/auth/me').expect(200);
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
  });
});

test('failed logins from one address are throttled across accounts', async () => {
  const agora = await startAgora({ env: { LOGIN_MAX_FAILURES_PER_IP: '4', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100' } });
  try {
    const c = new Client(agora.url);
    for (let i = 0; i < 4; i++) expect((await c.post('/api/auth/login', { username: uniqueName('x'), password: 'wrong password!' })).status).toBe(401);
    const res = await c.post('/api/auth/login', { username: uniqueName('y'), password: 'wrong password!' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  } finally {
    await agora.close();
  }
});
