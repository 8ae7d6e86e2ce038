import request from 'supertest';
import { cleanRedis, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, signedIn, uniqueName } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';
import { authAnswers, exportDataSchema } from '../../shared/schemas/index.js';

// A member confirms their address by the link mailed at sign-up and on every change of address,
// read out of a real SMTP server; with REQUIRE_VERIFIED_EMAIL=1 they may not post, flag or refer
// before. On memory (one instance) and on Redis (two instances sharing it).

const PUBLIC_URL = 'https://community.example.test';
const POSTAL = 'Agora Inc., 42 Harbour Road, Portsmouth PO1 2AB';
const VERIFY_LINK = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/verify/([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43})`);
const WEEK = 7 * 24 * 3600_000;

describe.each(['memory', 'redis'] as const)('e-mail verification on the %s store', (store) => {
  const smtp = new TestSmtpServer();
  const logs = captureLogs('trace');
  const prefix = testPrefix();
  let clock = Date.now();
  const now = () => clock;
  const tokens: string[] = [];
  const addresses: string[] = [];
  let a: Running;
  let b: Running;
  const extra: Running[] = [];

  const env = (more: Record<string, string> = {}) => ({ SMTP_URL: smtp.url, PUBLIC_URL, COMPANY_POSTAL_ADDRESS: POSTAL, ...more });
  // `null`: a prefix of the instance's own, which startAgora deletes when it closes.
  const start = (more?: Record<string, string>, ownPrefix: string | null = prefix) => startAgora({ store, prefix: ownPrefix ?? undefined, env: env(more), logger: logs.logger, now });

  beforeAll(async () => {
    await smtp.start();
    a = await start();
    b = store === 'redis' ? await start() : a;
  });
  afterAll(async () => {
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
  /** The `n`th mail (1 = the first) to `email` with `subject`, once the mail server has it. */
  const nthMail = (email: string, subject: string, n = 1): Promise<ReceivedMail> =>
    eventually(() => smtp.messages.filter((m) => m.to.includes(email) && m.headers.get('subject')?.[0] === subject)[n - 1] ?? false,
      { what: `mail ${n} "${subject}" reaches ${email}` });
  const linkIn = async (email: string, n = 1) => {
    const mail = await nthMail(email, 'Confirm your e-mail address for Agora', n);
    const token = VERIFY_LINK.exec(mail.text)![1]!;
    tokens.push(token);
    return { mail, token };
  };
  const verify = (token: string, on: Running = b) => new Client(on.url).post('/api/auth/verify-email', { token });
  const verifiedOf = async (c: Client) => (await c.get('/api/auth/me')).body.user.emailVerified;

  test('sign-up mails a link; following it (from any browser) verifies the address', async () => {
    const { c, username, email } = await member();
    expect(await verifiedOf(c)).toBe(false);
    const { mail, token } = await linkIn(email);
    expect(mail.to).toEqual([email]);
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(`${PUBLIC_URL}/verify/${token}`);
      expect(part).toContain(username);
      expect(part).toContain(POSTAL);
    }
    expect(mail.html).not.toMatch(/<img|src=/i);
    const res = await verify(token);
    expect([res.status, res.body.user.username, res.body.user.emailVerified]).toEqual([200, username, true]);
    authAnswers.me.parse(res.body);
    expect(await verifiedOf(c)).toBe(true);
    const exported = exportDataSchema.parse((await c.get('/api/me/export')).body);
    expect(exported.user.emailVerified).toBe(true);
  });

  test('a change of address mails the new address a link and the old one a notice; old links stop working', async () => {
    const { c, username, email, password } = await member();
    const { token: first } = await linkIn(email);
    expect((await verify(first)).status).toBe(200);
    expect((await c.post('/api/auth/verify-email/resend')).status).toBe(202);
    const moved = `${uniqueName('moved')}@example.org`;
    addresses.push(moved);
    const changed = await c.patch('/api/me', { currentPassword: password, email: moved });
    expect([changed.status, changed.body.user.email, changed.body.user.emailVerified, changed.body.outbox]).toEqual([200, moved, false, undefined]);

    const notice = await nthMail(email, 'Your Agora e-mail address was changed');
    expect(notice.headers.has('list-unsubscribe')).toBe(false);
    expect(notice.text).toContain(username);
    // What to do that works: no account has this address any more, so a reset asked for it sends nothing.
    expect(notice.text).toContain(`contact the administrators of the community at ${PUBLIC_URL}`);
    expect(notice.text + notice.html).not.toMatch(/forgot-password|password reset for this address at/);
    expect(notice.text + notice.html).not.toMatch(/\/verify\//);
    expect(notice.text + notice.html).not.toContain(moved);
    // Sent after the resend was answered: the resend, for an address already verified, sent nothing.
    expect(smtp.messages.filter((m) => m.to.includes(email) && m.headers.get('subject')?.[0] === 'Confirm your e-mail address for Agora')).toHaveLength(1);

    const { token: fresh } = await linkIn(moved);
    // A link sent to the old address, even one never used, verifies nothing any more.
    expect((await c.patch('/api/me', { currentPassword: password, email })).status).toBe(200);
    const { token: toOld } = await linkIn(email, 2);
    expect((await c.patch('/api/me', { currentPassword: password, email: moved })).status).toBe(200);
    for (const t of [toOld, fresh, first]) {
      const res = await verify(t);
      expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_token']);
    }
    expect(await verifiedOf(c)).toBe(false);
    const { token: latest } = await linkIn(moved, 2);
    expect((await verify(latest)).body.user.emailVerified).toBe(true);
  });

  test('a used link, one a week old, an unknown and a malformed one answer 400 invalid_token', async () => {
    const one = await member();
    const two = await member();
    const { token: used } = await linkIn(one.email);
    const { token: old } = await linkIn(two.email);
    expect((await verify(used)).status).toBe(200);
    clock += WEEK;
    try {
      for (const t of [used, old, `${old.split('.')[0]}.${'A'.repeat(43)}`, 'x', 'A'.repeat(43)]) {
        const res = await verify(t, a);
        expect([res.status, res.body.error.code]).toEqual([400, 'invalid_token']);
      }
    } finally {
      clock -= WEEK;
    }
    expect(await verifiedOf(two.c)).toBe(false);
  });

  test('resend needs a session and is limited per account', async () => {
    expect((await new Client(a.url).post('/api/auth/verify-email/resend')).status).toBe(401);
    const { c, email } = await member();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await c.post('/api/auth/verify-email/resend'));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 429]);
    // With a mail server the answer names no outbox (test/integration/dev-mail.test.ts: without one).
    expect(authAnswers.verifyResend.parse(answers[0]!.body)).toEqual({ status: 'accepted' });
    expect([answers[3]!.body.error.code, Number(answers[3]!.headers['retry-after']) > 0]).toEqual(['rate_limited', true]);
    const { token } = await linkIn(email, 4); // sign-up's and three resends
    expect((await verify(token)).status).toBe(200);
  });

  test("a deleted account's link answers 400 invalid_token", async () => {
    const { c, email, password } = await member();
    const { token } = await linkIn(email);
    expect((await c.del('/api/me', { password, posts: 'remove' })).status).toBe(204);
    expect((await verify(token)).body.error.code).toBe('invalid_token');
  });

  test('with REQUIRE_VERIFIED_EMAIL=1 posting, editing, flagging and referring answer 403 email_unverified until verified', async () => {
    const strict = await start({ REQUIRE_VERIFIED_EMAIL: '1' }, store === 'redis' ? null : prefix);
    extra.push(strict);
    const admin = await signedIn(strict.url, strict.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: `v${Date.now()}`, title: 'Verified' })).body.forum.id;
    const poster = await member(strict);
    expect((await poster.c.post(`/api/forums/${forumId}/threads`, { title: 'Hello', body: 'Hi' })).body.error.code).toBe('email_unverified');
    expect((await verify((await linkIn(poster.email)).token, strict)).status).toBe(200);
    const started = await poster.c.post(`/api/forums/${forumId}/threads`, { title: 'Hello', body: 'Hi all' });
    expect(started.status).toBe(201);
    const { thread, post } = started.body;

    const { c, email } = await member(strict);
    const formToken = (await c.post('/api/referrals/token')).body.token;
    const friend = { friendName: 'Grace Hopper', friendEmail: `${uniqueName('grace')}@example.org` };
    addresses.push(friend.friendEmail);
    const writes = () => [
      c.post(`/api/forums/${forumId}/threads`, { title: 'Mine', body: 'My thread' }),
      c.post(`/api/threads/${thread.id}/posts`, { body: 'A reply' }),
      c.patch(`/api/posts/${post.id}`, { body: 'Not mine' }),
      c.post(`/api/posts/${post.id}/flags`, { reason: 'spam' }),
      c.post('/api/referrals', { token: formToken, ...friend }),
    ];
    for (const res of await Promise.all(writes())) {
      expect([res.status, res.body.error.code]).toEqual([403, 'email_unverified']);
    }
    expect((await verify((await linkIn(email)).token, strict)).status).toBe(200);
    const [thread2, reply, edit, flag, referral] = await Promise.all(writes());
    expect([thread2!.status, reply!.status, flag!.status, referral!.status]).toEqual([201, 201, 201, 202]);
    // Verified, the member is asked what anyone is asked: whose post it is.
    expect([edit!.status, edit!.body.error.code]).toEqual([403, 'forbidden']);
  });

  test('no log line holds a verification token or an address', async () => {
    const { email } = await member();
    const { token } = await linkIn(email);
    // The page a link opens is logged too, by its route pattern only.
    const page = await request(a.url).get(`/verify/${token}`);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-robots-tag']).toBe('noindex');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await verify(token)).status).toBe(200);
    expect(tokens.length).toBeGreaterThan(5);
    const text = logs.text();
    expect(text).toMatch(/verification mail handled/);
    for (const secret of [...tokens, ...addresses]) expect(text).not.toContain(secret);
  });
});
