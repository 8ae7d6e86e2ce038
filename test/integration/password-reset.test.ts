import request from 'supertest';
import { cleanRedis, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, uniqueName } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';
import { connectSocket, type TestSocket } from '../helpers/sockets.js';

// A member who forgot their password asks for a link, gets it by e-mail from a real SMTP server,
// and sets a new password; every session and socket of theirs ends, on every instance. On memory
// (one instance) and on Redis (two instances sharing it).

const PUBLIC_URL = 'https://community.example.test';
const POSTAL = 'Agora Inc., 42 Harbour Road, Portsmouth PO1 2AB';
const RESET_LINK = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/reset/([A-Za-z0-9_-]{43})`);
const HOUR = 3600_000;

describe.each(['memory', 'redis'] as const)('password reset on the %s store', (store) => {
  const smtp = new TestSmtpServer();
  const logs = captureLogs('trace');
  const prefix = testPrefix();
  let clock = Date.now();
  const now = () => clock;
  const sockets: TestSocket[] = [];
  const tokens: string[] = [];
  const addresses: string[] = [];
  let a: Running;
  let b: Running;
  const extra: Running[] = [];

  const env = (more: Record<string, string> = {}) => ({ SMTP_URL: smtp.url, PUBLIC_URL, COMPANY_POSTAL_ADDRESS: POSTAL, PASSWORD_RESET_PER_IP_PER_HOUR: '1000', ...more });
  // `null`: a prefix of the instance's own, which startAgora deletes when it closes.
  const start = (more?: Record<string, string>, ownPrefix: string | null = prefix) => startAgora({ store, prefix: ownPrefix ?? undefined, env: env(more), logger: logs.logger, now });

  beforeAll(async () => {
    await smtp.start();
    a = await start();
    b = store === 'redis' ? await start() : a;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    for (const r of new Set([a, b, ...extra])) await r?.close();
    await smtp.stop();
    if (store === 'redis') await cleanRedis(prefix);
  });

  const member = async (on: Running = a) => {
    const c = new Client(on.url);
    const account = await c.register();
    addresses.push(account.email);
    return { c, ...account };
  };
  const ask = (email: string, on: Running = b) => new Client(on.url).post('/api/auth/password-reset', { email });
  const confirm = (token: string, password: string, on: Running = a) => new Client(on.url).post('/api/auth/password-reset/confirm', { token, password });
  /** The reset mail to `email`, once the mail server has it, and the token its link holds. */
  const mailTo = async (email: string): Promise<{ mail: ReceivedMail; token: string }> => {
    // Only the reset mail: signing up may have sent the address other mail (a verification).
    const mail = await eventually(() => smtp.messages.find((m) => m.to.includes(email) && RESET_LINK.test(m.text)) ?? false, { what: `the reset mail reaches ${email}` });
    const token = RESET_LINK.exec(mail.text)![1]!;
    tokens.push(token);
    return { mail, token };
  };

  test('a member asks for a link, follows it, and the new password signs in while every old session and socket ends', async () => {
    const { c, username, email, password } = await member();
    const other = new Client(b.url);
    expect((await other.login(username, password)).status).toBe(200);
    const open = [await connectSocket(a.url, c.cookieHeader()), await connectSocket(b.url, other.cookieHeader())];
    sockets.push(...open);
    const closed = open.map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));

    const asked = await ask(email);
    expect([asked.status, asked.body]).toEqual([202, { status: 'accepted' }]);
    const { mail, token } = await mailTo(email);
    expect(mail.to).toEqual([email]);
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    expect(mail.headers.get('subject')).toEqual(['Reset your Agora password']);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(`${PUBLIC_URL}/reset/${token}`);
      expect(part).toContain(username);
      expect(part).toContain(POSTAL);
    }
    expect(mail.html).not.toMatch(/<img|src=/i);

    const done = await confirm(token, 'a brand new password');
    expect(done.status).toBe(204);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await c.get('/api/auth/me')).status).toBe(401);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(b.url).login(username, password)).status).toBe(401);
    expect((await new Client(b.url).login(username, 'a brand new password')).status).toBe(200);
  });

  test('an address with an account and one without get the same answer, and only the first gets a mail', async () => {
    const { email } = await member();
    const unknown = `${uniqueName('nobody')}@example.com`;
    addresses.push(unknown);
    const answers = [await ask(unknown), await ask(email)];
    expect(answers.map((r) => [r.status, r.body, r.headers['content-type']])).toEqual([
      [202, { status: 'accepted' }, 'application/json; charset=utf-8'],
      [202, { status: 'accepted' }, 'application/json; charset=utf-8'],
    ]);
    // Each instance handles the work after its answers in the order asked: once the known
    // address's mail is in, the unknown one's turn (asked first, on the same instance) is over.
    await mailTo(email);
    expect(smtp.messages.filter((m) => m.to.includes(unknown))).toEqual([]);
  });

  test('a link works once: the second use answers 400 invalid_token and the password stays', async () => {
    const { username, email } = await member();
    await ask(email);
    const { token } = await mailTo(email);
    expect((await confirm(token, 'first new password')).status).toBe(204);
    const again = await confirm(token, 'second new password', b);
    expect([again.status, again.body.error.code]).toEqual([400, 'invalid_token']);
    expect((await new Client(a.url).login(username, 'first new password')).status).toBe(200);
  });

  test('a link an hour old, an unknown one and a malformed one all answer 400 invalid_token', async () => {
    const { email } = await member();
    await ask(email);
    const { token } = await mailTo(email);
    clock += HOUR;
    try {
      for (const t of [token, 'A'.repeat(43), 'x']) {
        const res = await confirm(t, 'a password nobody sets');
        expect([res.status, res.body.error.code]).toEqual([400, 'invalid_token']);
      }
    } finally {
      clock -= HOUR;
    }
  });

  test('the new password follows the sign-up rules', async () => {
    const res = await confirm('A'.repeat(43), 'short');
    expect([res.status, res.body.error.code, res.body.error.details.field]).toEqual([400, 'invalid_request', 'password']);
  });

  test('changing the address or the password makes links already sent answer 400 invalid_token', async () => {
    for (const patch of [{ email: `moved-${Date.now()}@example.com` }, { newPassword: 'a changed password here' }]) {
      const { c, email, password } = await member();
      await ask(email);
      const { token } = await mailTo(email);
      expect((await c.patch('/api/me', { currentPassword: password, ...patch })).status).toBe(200);
      const res = await confirm(token, 'a password the old link sets');
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_token']);
    }
  });

  test("a deleted account's link answers 400 invalid_token", async () => {
    const { c, email, password } = await member();
    await ask(email);
    const { token } = await mailTo(email);
    expect((await c.del('/api/me', { password, posts: 'remove' })).status).toBe(204);
    const res = await confirm(token, 'too late for this');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_token']);
  });

  test('requests are limited per address (known or not, counted the same) and per client address', async () => {
    const limited = await start({ PASSWORD_RESET_PER_ADDRESS_PER_HOUR: '2', PASSWORD_RESET_PER_IP_PER_HOUR: '5' }, null);
    extra.push(limited);
    const { email } = await member(limited);
    const unknown = `${uniqueName('nobody')}@example.com`;
    for (const address of [email, unknown]) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await ask(address.toUpperCase(), limited)).status);
      expect(statuses).toEqual([202, 202, 429]);
    }
    // Four requests so far from this client; the fifth passes, the sixth is over its limit.
    expect((await ask(`${uniqueName('x')}@example.com`, limited)).status).toBe(202);
    const over = await ask(`${uniqueName('y')}@example.com`, limited);
    expect([over.status, over.body.error.code]).toEqual([429, 'rate_limited']);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('no log line holds a reset token or an address', async () => {
    const { email } = await member();
    await ask(email);
    const { token } = await mailTo(email);
    // The page a link opens is logged too, by its route pattern only.
    expect((await request(a.url).get(`/reset/${token}`)).headers['referrer-policy']).toBe('no-referrer');
    expect(tokens.length).toBeGreaterThan(3);
    const text = logs.text();
    expect(text).toMatch(/password reset mail handled/);
    for (const secret of [...tokens, ...addresses]) expect(text).not.toContain(secret);
  });
});

test('the reset page keeps its token out of referrers and indexes', async () => {
  const agora = await startAgora();
  try {
    const res = await request(agora.url).get(`/reset/${'A'.repeat(43)}`);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-robots-tag']).toBe('noindex');
    // Served by the web app's catch-all, which must not relax it to `no-cache`.
    expect(res.headers['cache-control']).toBe('no-store');
  } finally {
    await agora.close();
  }
});
