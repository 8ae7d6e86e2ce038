import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, unusedPort } from '../helpers/smtp.js';
import { OptOutKeys } from '../../server/referral/optout.js';
import { newToken } from '../../server/store/ids.js';

// The rules around the send: who may refer, what input is accepted, limits, token ownership,
// the landing page, the opt-out link, the development outbox and readiness. Memory store.

const smtp = new TestSmtpServer();
const running: Running[] = [];
const start = async (env: Record<string, string> = {}, logger?: ReturnType<typeof captureLogs>['logger']) => {
  const r = await startAgora({ env: { SMTP_URL: smtp.url, REFERRAL_IP_DAILY_LIMIT: '1000', ...env }, ...(logger ? { logger } : {}) });
  running.push(r);
  return r;
};
let main: Running;

beforeAll(async () => {
  await smtp.start();
  main = await start();
});
afterAll(async () => {
  for (const r of running) await r.close();
  await smtp.stop();
});
beforeEach(() => smtp.reset());

const friend = { friendName: 'Ada Lovelace', friendEmail: 'ada.lovelace@example.org' };
const formToken = async (c: Client) => {
  const res = await c.post('/api/referrals/token');
  expect(res.status).toBe(201);
  return res.body.token as string;
};
const refer = async (c: Client, token: string, body: Record<string, unknown> = friend) => c.post('/api/referrals', { token, ...body });

test('a visitor can neither get a form token nor refer (401), and a banned member is refused (403)', async () => {
  const visitor = new Client(main.url);
  expect((await visitor.post('/api/referrals/token')).status).toBe(401);
  expect((await visitor.post('/api/referrals', { token: newToken(24), ...friend })).status).toBe(401);
  expect((await visitor.get('/api/referrals/stats')).status).toBe(401);

  const c = await signedIn(main.url, main.stores.users);
  const token = await formToken(c);
  await main.stores.users.update(c.user!.id, { ban: { reason: 'spam', by: 'mod', at: new Date().toISOString(), until: null } });
  const refused = await refer(c, token);
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('forbidden');
  expect((await c.post('/api/referrals/token')).status).toBe(403);
  expect((await c.get('/api/referrals/stats')).status).toBe(200); // reading stays allowed
  expect(smtp.seen.rcpt).toBe(0);
});

test('names and addresses outside the rules answer 400 naming the field, and never repeat the value', async () => {
  const c = await signedIn(main.url, main.stores.users);
  const token = await formToken(c);
  const cases: [string, unknown][] = [
    ['friendName', ''], ['friendName', '   '], ['friendName', 'A'.repeat(65)], ['friendName', 'Agent 007'],
    ['friendName', 'https://phish.example/login'], ['friendName', 'Visit phish.example'], ['friendName', 'Ada\tLovelace'],
    ['friendName', 'Ada\u202eecalevoL'], ['friendName', 'Ada@Lovelace'], ['friendName', 12345], ['friendName', undefined],
    ['friendEmail', ''], ['friendEmail', 'ada.lovelace'], ['friendEmail', 'ada@localhost'], ['friendEmail', 'ada@@example.org'],
    ['friendEmail', `${'a'.repeat(60)}@${'b'.repeat(190)}.example`], ['friendEmail', `${'a'.repeat(65)}@example.org`],
    ['friendEmail', 'ada lovelace@example.org'], ['friendEmail', '"ada"@example.org'], ['friendEmail', 'ada@[192.0.2.1]'],
    ['friendEmail', 'ada@example.123'], ['friendEmail', 'ädä@example.org'], ['friendEmail', 'ada..lovelace@example.org'],
    ['friendEmail', 'ada@-example.org'], ['friendEmail', 'ada@exa_mple.org'], ['friendEmail', ['ada@example.org']],
    ['token', 'too-short'], ['token', undefined],
  ];
  for (const [field, value] of cases) {
    const res = await c.post('/api/referrals', { token, ...friend, [field]: value });
    expect([field, value, res.status, res.body.error.code, res.body.error.details]).toEqual([field, value, 400, 'invalid_request', { field, fields: { [field]: expect.any(String) } }]);
    expect(res.body.error.message).toContain(field);
    if (typeof value === 'string' && value.trim().length > 3) expect(res.text).not.toContain(value.trim());
  }
  expect(smtp.seen.rcpt).toBe(0);
  // Refused input uses nothing up: the same token still sends.
  expect((await refer(c, token)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
});

test('names and addresses within the rules go out as meant, an international domain as punycode', async () => {
  const c = await signedIn(main.url, main.stores.users);
  const ok = [
    { friendName: "José O'Neil-Smith", friendEmail: "o'brien+agora@example.org", to: "o'brien+agora@example.org" },
    { friendName: 'J. R. R. Tolkien', friendEmail: 'JRR.Tolkien@Example.ORG', to: 'JRR.Tolkien@example.org' },
    // smtp-server shows a punycode domain decoded; the wire form is checked in the To header below.
    { friendName: 'Zoë Ångström', friendEmail: 'zoe@bücher.example', to: 'zoe@bücher.example' },
    { friendName: '李小龍', friendEmail: 'bruce@example.org', to: 'bruce@example.org' },
  ];
  for (const { to, ...body } of ok) expect((await refer(c, await formToken(c), body)).status).toBe(202);
  expect(smtp.messages.map((m) => m.to)).toEqual(ok.map((o) => [o.to]));
  expect(smtp.messages[2]!.headers.get('to')![0]).toMatch(/<zoe@xn--bcher-kva\.example>$/);
  expect(smtp.messages[0]!.text).toContain("Hello José O'Neil-Smith,");
  expect(smtp.messages[0]!.html).toContain('Hello José O&#39;Neil-Smith,'); // escaped in HTML
});

test('past the daily limit a member gets 429 with Retry-After; a repeated token and a failed send do not count', async () => {
  const limited = await start({ REFERRAL_DAILY_LIMIT: '2' });
  const c = await signedIn(limited.url, limited.stores.users);
  const first = await formToken(c);
  smtp.rcptReply = { code: 451, message: 'Try again later' };
  expect((await refer(c, first)).status).toBe(503);
  smtp.rcptReply = null;
  expect((await refer(c, first)).status).toBe(202);
  expect((await refer(c, first)).status).toBe(202);
  expect((await refer(c, await formToken(c))).status).toBe(202);
  const third = await formToken(c);
  const over = await refer(c, third);
  expect(over.status).toBe(429);
  expect(over.body.error.code).toBe('rate_limited');
  expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  expect(smtp.messages).toHaveLength(2);
  // The refused token was put back, not spent.
  expect((await limited.stores.referrals.getToken(third))?.state).toBe('issued');
});

test('the per-address daily limit counts referrals from every member behind that address', async () => {
  const shared = await start({ REFERRAL_IP_DAILY_LIMIT: '3' });
  const answers: number[] = [];
  for (let i = 0; i < 4; i++) {
    const c = await signedIn(shared.url, shared.stores.users);
    answers.push((await refer(c, await formToken(c))).status);
  }
  expect(answers).toEqual([202, 202, 202, 429]);
  expect(smtp.messages).toHaveLength(3);
});

test('a token reused for another friend answers 409 and sends nothing; after a failed send it may be corrected', async () => {
  const c = await signedIn(main.url, main.stores.users);
  const token = await formToken(c);
  expect((await refer(c, token)).status).toBe(202);
  const other = await refer(c, token, { friendName: 'Grace Hopper', friendEmail: 'grace@example.org' });
  expect(other.status).toBe(409);
  expect(other.body.error.code).toBe('conflict');
  expect((await refer(c, token, { ...friend, friendEmail: friend.friendEmail.toUpperCase() })).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);

  const retry = await formToken(c);
  smtp.rcptReply = { code: 450, message: 'Mailbox unavailable' };
  expect((await refer(c, retry, { friendName: 'Grace Hopper', friendEmail: 'grace@exmaple.org' })).status).toBe(503);
  smtp.rcptReply = null;
  expect((await refer(c, retry, { friendName: 'Grace Hopper', friendEmail: 'grace@example.org' })).status).toBe(202);
  expect(smtp.messages.map((m) => m.to)).toEqual([[friend.friendEmail], ['grace@example.org']]);
});

test('a form token works only for the member it was issued to', async () => {
  const owner = await signedIn(main.url, main.stores.users);
  const other = await signedIn(main.url, main.stores.users);
  const token = await formToken(owner);
  for (const t of [token, newToken(24)]) {
    const res = await refer(other, t);
    expect([res.status, res.body.error.details]).toEqual([400, { field: 'token' }]);
  }
  expect((await refer(owner, token)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
});

test("the landing page remembers the referral code, and a sign-up through it counts in the referrer's stats", async () => {
  const referrer = await signedIn(main.url, main.stores.users);
  expect((await referrer.get('/api/referrals/stats')).body).toEqual({ signups: 0 });

  const visitor = new Client(main.url);
  const landing = await visitor.get(`/r/${referrer.user!.referralCode}`);
  expect(landing.status).toBe(200);
  expect(landing.headers['content-type']).toMatch(/text\/html/);
  expect(landing.headers['set-cookie']).toBeDefined();
  await visitor.register();
  await new Client(main.url).register(); // not through the link
  expect((await referrer.get('/api/referrals/stats')).body).toEqual({ signups: 1 });

  const unknown = await new Client(main.url).get('/r/NoSuchCode123');
  expect(unknown.status).toBe(200);
  expect(unknown.headers['set-cookie']).toBeUndefined();
});

test('the opt-out link takes a one-click POST (RFC 8058) with no session or CSRF token, and refuses made-up tokens', async () => {
  const keys = new OptOutKeys(main.config.optOutSecret);
  const token = keys.tokenFor('someone@example.org');
  const oneClick = await request(main.url).post(`/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click');
  expect(oneClick.status).toBe(200);
  expect(oneClick.body).toEqual({ status: 'opted_out' });
  expect(oneClick.headers['set-cookie']).toBeUndefined();
  expect(await main.stores.referrals.isOptedOut(keys.fingerprintOf('SomeOne@Example.org'))).toBe(true);
  expect((await request(main.url).post(`/unsubscribe/${token}`)).status).toBe(200); // again, and with no body

  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  for (const forged of [newToken(32).slice(0, 43), flipped, 'short']) {
    const res = await request(main.url).post(`/unsubscribe/${forged}`).type('form').send('List-Unsubscribe=One-Click');
    expect([res.status, res.body.error?.code]).toEqual([404, 'not_found']);
  }
  const page = await request(main.url).get(`/unsubscribe/${token}`);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  expect(page.headers['referrer-policy']).toBe('no-referrer');
  expect(page.headers['cache-control']).toBe('no-store');
});

test('without SMTP_URL the invite is kept in the development outbox, not sent, and the log says only that one went there', async () => {
  const logs = captureLogs('trace');
  const preview = await startAgora({ env: {}, logger: logs.logger });
  running.push(preview);
  const c = await signedIn(preview.url, preview.stores.users);
  expect((await refer(c, await formToken(c))).status).toBe(202);
  const lines = logs.lines.filter((l) => l.includes('development outbox'));
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toEqual({ level: 30, time: expect.any(Number), service: 'agora', mail: 'outbox', msg: expect.any(String) });
  for (const v of [friend.friendName, friend.friendEmail, 'Lovelace', 'ada.lovelace']) expect(logs.text().toLowerCase()).not.toContain(v.toLowerCase());
  expect(smtp.seen.rcpt).toBe(0);
  expect((await request(preview.url).get('/readyz')).body.checks).toEqual({ store: 'ok', search: 'ok' });
});

test('/readyz includes the mail server: ok while it answers, unavailable while it is down', async () => {
  const up = await request(main.url).get('/readyz');
  expect([up.status, up.body.checks]).toEqual([200, { store: 'ok', search: 'ok', mail: 'ok' }]);
  const down = await start({ SMTP_URL: `smtp://127.0.0.1:${await unusedPort()}` });
  const res = await request(down.url).get('/readyz');
  expect([res.status, res.body.checks]).toEqual([503, { store: 'ok', search: 'ok', mail: 'unavailable' }]);
});
