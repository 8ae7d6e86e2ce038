import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, uniqueName } from '../helpers/http.js';

let agora: Running;
beforeAll(async () => {
  agora = await startAgora();
});
afterAll(() => agora.close());

test('a state-changing request without a CSRF token answers 403 csrf_failed', async () => {
  const res = await request(agora.url).post('/api/auth/register').send({ username: 'csrfless', email: 'a@example.com', password: 'long enough pw' });
  expect(res.status).toBe(403);
  expect(res.body).toEqual({ error: { code: 'csrf_failed', message: expect.any(String) } });
});

test("a CSRF token from another session is refused", async () => {
  const a = new Client(agora.url);
  const b = new Client(agora.url);
  const tokenOfA = await a.token();
  await b.token();
  const res = await b.agent.post('/api/auth/logout').set('X-CSRF-Token', tokenOfA);
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('csrf_failed');
});

test('malformed JSON answers 400 in the error shape without echoing the input', async () => {
  const c = new Client(agora.url);
  const secret = 'my-secret-canary-42';
  const res = await c.agent.post('/api/auth/login').set('X-CSRF-Token', await c.token()).set('Content-Type', 'application/json').send(`{"username": "${secret}", `);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.text).not.toContain(secret);
  expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/); // no stack trace
});

test('a body over 100 kB answers 413 payload_too_large', async () => {
  const c = new Client(agora.url);
  const res = await c.post('/api/auth/login', { username: 'x', password: 'y'.repeat(110_000) });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('payload_too_large');
});

test('an unknown API route answers 404 JSON', async () => {
  const res = await request(agora.url).get('/api/no/such/thing');
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.error.code).toBe('not_found');
  const post = await new Client(agora.url).post('/api/nothing-here', {});
  expect(post.status).toBe(404);
  expect(post.body.error.code).toBe('not_found');
});

test('pages carry a strict Content-Security-Policy without inline script', async () => {
  const res = await request(agora.url).get('/');
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
});

test('the web app is served for page paths, with index.html for client routes', async () => {
  const res = await request(agora.url).get('/signin');
  expect(res.status).toBe(200);
  expect(res.text).toContain('<div id="app">');
});

const setCookie = (res: { headers: Record<string, unknown> }, name: string) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((s) => s.startsWith(`${name}=`));

test('the session cookie is httpOnly, SameSite=Lax and holds only an opaque id', async () => {
  const c = new Client(agora.url);
  const username = uniqueName('cookie');
  const res = await c.post('/api/auth/register', { username, email: `${username}@example.com`, password: 'long enough pw' });
  expect(res.status).toBe(201);
  const cookie = setCookie(res, 'agora.sid')!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  expect(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!)).toMatch(/^s:[A-Za-z0-9_-]+\.[A-Za-z0-9+/=]+$/);
});

describe('behind a TLS-terminating proxy in production', () => {
  let prod: Running;
  beforeAll(async () => {
    prod = await startAgora({ store: 'redis', env: { NODE_ENV: 'production', TRUST_PROXY: 'loopback', SMTP_URL: 'smtp://127.0.0.1:2525' } });
  });
  afterAll(() => prod.close());

  test('the session and CSRF cookies are Secure when the proxy says https', async () => {
    const csrf = await request(prod.url).get('/api/auth/csrf').set('X-Forwarded-Proto', 'https');
    const csrfCookie = setCookie(csrf, '__Host-agora.csrf')!;
    expect(csrfCookie).toMatch(/;\s*Secure/i);
    const username = uniqueName('secure');
    const res = await request(prod.url).post('/api/auth/register').set('X-Forwarded-Proto', 'https')
      .set('Cookie', csrfCookie.split(';')[0]!).set('X-CSRF-Token', csrf.body.token)
      .send({ username, email: `${username}@example.com`, password: 'long enough pw' });
    expect(res.status).toBe(201);
    expect(setCookie(res, 'agora.sid')).toMatch(/;\s*Secure/i);
  });

  test('no session cookie is sent over plain http', async () => {
    const csrf = await request(prod.url).get('/api/auth/csrf');
    const username = uniqueName('plain');
    const res = await request(prod.url).post('/api/auth/register')
      .set('Cookie', setCookie(csrf, '__Host-agora.csrf')!.split(';')[0]!).set('X-CSRF-Token', csrf.body.token)
      .send({ username, email: `${username}@example.com`, password: 'long enough pw' });
    expect(res.status).toBe(201);
    expect(setCookie(res, 'agora.sid')).toBeUndefined();
  });
});
