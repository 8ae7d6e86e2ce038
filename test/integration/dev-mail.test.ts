import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { REDIS_URL, startAgora, testConfig, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, signedIn, uniqueName } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import { unusedPort } from '../helpers/smtp.js';
import { INVITE_SUBJECT } from '../../server/referral/invite-email.js';
import { RESET_SUBJECT } from '../../server/auth/reset-email.js';
import { ADDRESS_CHANGED_SUBJECT, VERIFY_SUBJECT } from '../../server/auth/verify-email.js';
import { createMail } from '../../server/mail/index.js';
import type { OutboxMessage } from '../../server/mail/index.js';

// Mail without a mail server: outside production and without SMTP_URL, every e-mail goes to the
// development outbox, which GET /dev/mail lists; with SMTP_URL, and always in production, there is none.

const PUBLIC_URL = 'https://community.example.test';
const running: Running[] = [];
const start = async (opts: Parameters<typeof startAgora>[0] = {}) => {
  const r = await startAgora({ ...opts, env: { PUBLIC_URL, ...opts.env } });
  running.push(r);
  return r;
};
afterAll(async () => {
  for (const r of running) await r.close();
});

const friend = { friendName: 'Ada Lovelace', friendEmail: 'ada.lovelace@example.org' };
const formToken = async (c: Client) => (await c.post('/api/referrals/token')).body.token as string;
const outboxOf = async (on: Running) => (await request(on.url).get('/dev/mail.json').expect(200)).body.items as OutboxMessage[];
const DEV_PATHS = ['/dev/mail', '/dev/mail.json', '/dev/mail.css', '/dev/mail/AAAAAAAAAAAAAAAA/html'];

describe('without SMTP_URL (memory store)', () => {
  let agora: Running;
  beforeAll(async () => {
    agora = await start();
  });

  test('a referral puts exactly one message in the outbox, and the answer says where it went', async () => {
    const c = await signedIn(agora.url, agora.stores.users);
    const token = await formToken(c);
    const res = await c.post('/api/referrals', { token, ...friend });
    expect([res.status, res.body]).toEqual([202, { status: 'accepted', outbox: '/dev/mail' }]);
    // A repeat of the same form (a lost answer) gets the same answer and keeps nothing more.
    expect((await c.post('/api/referrals', { token, ...friend })).body).toEqual({ status: 'accepted', outbox: '/dev/mail' });

    const items = await outboxOf(agora);
    expect(items).toHaveLength(1);
    const mail = items[0]!;
    const joinUrl = `${PUBLIC_URL}/r/${c.user!.referralCode}`;
    expect(mail).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), at: expect.any(String),
      from: 'Agora <no-reply@agora.localhost>', to: 'Ada Lovelace <ada.lovelace@example.org>', subject: INVITE_SUBJECT,
      text: expect.stringContaining(joinUrl), html: expect.stringContaining(`href="${joinUrl}"`),
    });
    expect(mail.text).toMatch(new RegExp(`${PUBLIC_URL}/unsubscribe/[A-Za-z0-9_-]+`));
  });

  test('GET /dev/mail lists each message with its invite link, under the strict CSP and out of caches', async () => {
    const c = await signedIn(agora.url, agora.stores.users);
    expect((await c.post('/api/referrals', { token: await formToken(c), friendName: 'Grace Hopper', friendEmail: 'grace@example.org' })).status).toBe(202);

    const page = await request(agora.url).get('/dev/mail');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script|\son\w+=|style=/i);
    expect(page.text).toContain(`<a href="${PUBLIC_URL}/r/${c.user!.referralCode}" rel="noreferrer">`);
    expect(page.text).toContain('Grace Hopper &lt;grace@example.org&gt;');
    expect(page.text).toContain(INVITE_SUBJECT);
    expect(page.text).toMatch(/gone when the process restarts/);
    const newest = (await outboxOf(agora))[0]!;
    expect(page.text).toContain(`<iframe sandbox src="/dev/mail/${newest.id}/html"`);

    // The HTML part, for that sandboxed frame: no script, no request, only the outbox page may frame it.
    const html = await request(agora.url).get(`/dev/mail/${newest.id}/html`);
    expect(html.status).toBe(200);
    expect(html.text).toBe(newest.html);
    expect(html.headers['content-security-policy']).toBe("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
    expect((await request(agora.url).get('/dev/mail.css')).headers['content-type']).toMatch(/^text\/css/);
    expect((await request(agora.url).get('/dev/mail/AAAAAAAAAAAAAAAA/html')).status).toBe(404);
  });

  test('sign-up, a reset, a resend and a change of address answer where their e-mail is: the outbox, the same for every address', async () => {
    const OUTBOX = { outbox: '/dev/mail' };
    const kept = (to: string, subject: string) => eventually(async () => {
      expect((await outboxOf(agora)).filter((m) => m.to === to && m.subject === subject).length).toBeGreaterThan(0);
    }, { what: `"${subject}" to ${to} is in the outbox` });

    const c = new Client(agora.url);
    const username = uniqueName('nomail');
    const email = `${username}@example.org`;
    const password = 'a fine long password';
    const joined = await c.post('/api/auth/register', { username, email, password });
    expect([joined.status, joined.body.outbox]).toEqual([201, '/dev/mail']);
    c.csrf = joined.body.csrfToken;
    await kept(email, VERIFY_SUBJECT);

    const resent = await c.post('/api/auth/verify-email/resend');
    expect([resent.status, resent.body]).toEqual([202, { status: 'accepted', ...OUTBOX }]);

    // A reset answers alike for an address with an account and one without: the outbox tells nothing.
    const visitor = new Client(agora.url);
    const known = await visitor.post('/api/auth/password-reset', { email });
    const unknown = await visitor.post('/api/auth/password-reset', { email: `${uniqueName('nobody')}@example.org` });
    expect([known.status, known.body]).toEqual([202, { status: 'accepted', ...OUTBOX }]);
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    await kept(email, RESET_SUBJECT);

    const moved = `${uniqueName('moved')}@example.org`;
    const changed = await c.patch('/api/me', { currentPassword: password, email: moved });
    expect([changed.status, changed.body.user.email, changed.body.outbox]).toEqual([200, moved, '/dev/mail']);
    await kept(moved, VERIFY_SUBJECT);
    await kept(email, ADDRESS_CHANGED_SUBJECT);
    // A change that sends no e-mail names no outbox.
    const bio = await c.patch('/api/me', { bio: 'I knit.' });
    expect([bio.status, bio.body.outbox]).toEqual([200, undefined]);
  });

  test('readiness does not depend on a mail server', async () => {
    const res = await request(agora.url).get('/readyz');
    expect([res.status, res.body.checks]).toEqual([200, { store: 'ok', search: 'ok' }]);
  });
});

test('with SMTP_URL set there is no outbox: /dev/mail answers 404, and no answer names one', async () => {
  const agora = await start({ env: { SMTP_URL: `smtp://127.0.0.1:${await unusedPort()}` } });
  for (const path of DEV_PATHS) {
    const res = await request(agora.url).get(path);
    expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
  }
  // The mail server is not there: the answers stay as they are, the sends fail after them.
  const c = new Client(agora.url);
  const { email } = await c.register();
  const reset = await new Client(agora.url).post('/api/auth/password-reset', { email });
  expect([reset.status, reset.body]).toEqual([202, { status: 'accepted' }]);
});

test('in production a missing SMTP_URL stops the start, and /dev/mail answers 404', async () => {
  const production = { NODE_ENV: 'production', REDIS_URL, SESSION_SECRET: 's'.repeat(32) };
  expect(() => testConfig({ ...production })).toThrow(/^SMTP_URL: required when NODE_ENV=production/);
  // Even a configuration made without loadConfig gets no outbox in production.
  expect(() => createMail({ isProduction: true, smtpUrl: undefined }, captureLogs().logger)).toThrow(/SMTP_URL/);

  const agora = await start({ store: 'redis', env: { ...production, SMTP_URL: `smtp://127.0.0.1:${await unusedPort()}` } });
  expect(agora.config.isProduction).toBe(true);
  for (const path of DEV_PATHS) expect([path, (await request(agora.url).get(path)).status]).toEqual([path, 404]);
});

test('on Redis, the outbox keeps its messages in memory only: no key or value, and no log line, holds them', async () => {
  const logs = captureLogs('trace');
  const agora = await start({ store: 'redis', logger: logs.logger });
  const c = await signedIn(agora.url, agora.stores.users);
  const surname = `Zem${Array.from(randomBytes(8), (n) => String.fromCharCode(97 + (n % 26))).join('')}`;
  const canary = { friendName: `Quillon ${surname}`, friendEmail: `quillon.${surname}@canary-outbox.example` };
  expect((await c.post('/api/referrals', { token: await formToken(c), ...canary })).status).toBe(202);
  const [mail] = await outboxOf(agora);
  expect(mail!.to).toBe(`${canary.friendName} <${canary.friendEmail}>`);

  // Every key of the database, not just this run's prefix; it does hold what Agora stores (the member).
  const dump = (await dumpRedis('')).toLowerCase();
  expect(dump).toContain(agora.config.keyPrefix);
  expect(dump).toContain(c.user!.username.toLowerCase());
  const logText = logs.text().toLowerCase();
  expect(logText).toContain('development outbox');
  for (const s of [surname, 'canary-outbox', INVITE_SUBJECT, mail!.id]) {
    expect(['redis', s, dump.includes(s.toLowerCase())]).toEqual(['redis', s, false]);
    expect(['logs', s, logText.includes(s.toLowerCase())]).toEqual(['logs', s, false]);
  }
});
