// Concurrent bursts against every limit, run on one Agora per store (limits.test.ts) and on two
// server processes sharing one Redis (limits-processes.test.ts): the counts must hold on each.
import request from 'supertest';
import { createAccount } from '../../server/auth/service.js';
import type { UserStore } from '../../server/store/users.js';
import { Client, signedIn, uniqueName } from './http.js';
import type { TestSmtpServer } from './smtp.js';

/** Small limits, and addresses taken from X-Forwarded-For so each scenario speaks from its own. */
export const LIMITS = { account: 5, address: 8, register: 4, posts: 5, previews: 5, flags: 3, referrals: 3 };

export function limitsEnv(smtpUrl: string): Record<string, string> {
  return {
    TRUST_PROXY: 'loopback',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: String(LIMITS.account),
    LOGIN_MAX_FAILURES_PER_IP: String(LIMITS.address),
    REGISTER_PER_IP_PER_HOUR: String(LIMITS.register),
    POST_RATE_PER_MINUTE: String(LIMITS.posts),
    PREVIEW_RATE_PER_MINUTE: String(LIMITS.previews),
    FLAG_DAILY_LIMIT: String(LIMITS.flags),
    FLAGS_TO_HIDE: '1000',
    REFERRAL_DAILY_LIMIT: String(LIMITS.referrals),
    REFERRAL_IP_DAILY_LIMIT: '100000',
    SMTP_URL: smtpUrl,
  };
}

export interface BurstTarget {
  /** A burst's requests go to these in turn: one Agora, or two processes. */
  urls: string[];
  /** Accounts are made straight in the store. */
  users: UserStore;
  smtp: TestSmtpServer;
}

type Res = request.Response;
const PASSWORD = 'the right password here';
let addressCounter = 0;
/** An address of its own (198.18.0.0/15, set aside for tests), seen by Agora through X-Forwarded-For. */
const newAddress = () => {
  const n = ++addressCounter;
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
};

/** `c`'s request to `url` (any process: the session lives in the shared store), from `from` if given. */
async function send(c: Client, url: string, method: 'post' | 'patch' | 'delete', path: string, body: object, from?: string): Promise<Res> {
  const token = await c.token();
  const r = request(url)[method](path).set('Cookie', c.cookieHeader()).set('X-CSRF-Token', token);
  return (from ? r.set('X-Forwarded-For', from) : r).send(body);
}

/** Fires `n` requests at once, spread over the target's processes. */
async function burst(t: BurstTarget, n: number, one: (url: string, i: number) => Promise<Res>): Promise<Res[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => one(t.urls[i % t.urls.length]!, i)));
}

/** How many answers had each status, e.g. `{ 401: 5, 429: 25 }`; every 429 must be `rate_limited` with Retry-After. */
function byStatus(answers: Res[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) {
    counts[a.status] = (counts[a.status] ?? 0) + 1;
    if (a.status === 429) expectRateLimited(a);
  }
  return counts;
}

export function expectRateLimited(res: Res): void {
  expect([res.status, res.body.error?.code]).toEqual([429, 'rate_limited']);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

async function member(t: BurstTarget, role: 'member' | 'admin' = 'member'): Promise<{ username: string; id: string; client: Client }> {
  const username = uniqueName('lim');
  const user = await createAccount(t.users, { username, email: `${username}@example.com`, password: PASSWORD, role });
  const client = new Client(t.urls[0]!);
  expect((await client.login(username, PASSWORD)).status).toBe(200);
  return { username, id: user.id, client };
}

/** A visitor with its CSRF token already in hand, so that a burst of its requests leaves at once. */
async function visitor(t: BurstTarget): Promise<Client> {
  const c = new Client(t.urls[0]!);
  await c.token();
  return c;
}

const login = (c: Client, url: string, username: string, password: string, from: string) =>
  send(c, url, 'post', '/api/auth/login', { username, password }, from);

/** A forum and a thread in it, opened by an author of their own. */
async function thread(t: BurstTarget): Promise<{ forumId: string; threadId: string }> {
  const admin = await signedIn(t.urls[0]!, t.users, 'admin');
  const forum = await admin.post('/api/forums', { slug: uniqueName('lim').toLowerCase(), title: 'Limits' });
  const opened = await (await member(t)).client.post(`/api/forums/${forum.body.forum.id}/threads`, { title: 'A thread', body: 'Opening post' });
  expect(opened.status).toBe(201);
  return { forumId: forum.body.forum.id, threadId: opened.body.thread.id };
}

export const scenarios: Record<string, (t: BurstTarget) => Promise<void>> = {
  'thirty concurrent wrong passwords for one account: five are checked, twenty-five answer 429, and then the right password is refused too': async (t) => {
    const { username } = await member(t);
    const v = await visitor(t);
    // Each from an address of its own, so that only the account's limit is in play.
    const answers = await burst(t, 30, (url) => login(v, url, username, 'a wrong password', newAddress()));
    expect(byStatus(answers)).toEqual({ 401: LIMITS.account, 429: 30 - LIMITS.account });
    expectRateLimited(await login(v, t.urls.at(-1)!, username, PASSWORD, newAddress()));
  },

  'twenty concurrent failed logins from one address: only the address limit of them are checked, then it is locked for everyone': async (t) => {
    const from = newAddress();
    const v = await visitor(t);
    const answers = await burst(t, 20, (url) => login(v, url, uniqueName('nobody'), 'a wrong password', from));
    expect(byStatus(answers)).toEqual({ 401: LIMITS.address, 429: 20 - LIMITS.address });
    const { username } = await member(t);
    expectRateLimited(await login(v, t.urls[0]!, username, PASSWORD, from));
  },

  "attempts refused by the address limit take nothing from the account's allowance": async (t) => {
    const { username } = await member(t);
    const v = await visitor(t);
    const locked = newAddress();
    await burst(t, LIMITS.address, (url) => login(v, url, uniqueName('nobody'), 'a wrong password', locked));
    const refused = await burst(t, 10, (url) => login(v, url, username, 'a wrong password', locked));
    expect(byStatus(refused)).toEqual({ 429: 10 });
    const elsewhere = newAddress();
    const answers = await burst(t, LIMITS.account + 1, (url) => login(v, url, username, 'a wrong password', elsewhere));
    expect(byStatus(answers)).toEqual({ 401: LIMITS.account, 429: 1 });
  },

  'only failures count against the lockout: a right password gives its point back and earlier failures stay counted': async (t) => {
    const { username } = await member(t);
    const wrong = async (url: string) => expect((await login(await visitor(t), url, username, 'a wrong password', newAddress())).status).toBe(401);
    for (let i = 0; i < LIMITS.account - 1; i++) await wrong(t.urls[i % t.urls.length]!);
    expect((await login(await visitor(t), t.urls[0]!, username, PASSWORD, newAddress())).status).toBe(200);
    await wrong(t.urls.at(-1)!);
    expectRateLimited(await login(await visitor(t), t.urls[0]!, username, PASSWORD, newAddress()));
  },

  'ten concurrent sign-ups from one address: exactly the hourly limit of accounts are created': async (t) => {
    const from = newAddress();
    const names = Array.from({ length: 10 }, () => uniqueName('new'));
    const visitors = await Promise.all(names.map(() => visitor(t)));
    const answers = await burst(t, 10, (url, i) =>
      send(visitors[i]!, url, 'post', '/api/auth/register', { username: names[i], email: `${names[i]}@example.com`, password: PASSWORD }, from));
    expect(byStatus(answers)).toEqual({ 201: LIMITS.register, 429: 10 - LIMITS.register });
    const created = await Promise.all(names.map((n) => t.users.findByUsername(n!)));
    expect(created.filter(Boolean)).toHaveLength(LIMITS.register);
  },

  'fifteen concurrent replies from one member: exactly the per-minute limit are published': async (t) => {
    const { threadId } = await thread(t);
    const { client } = await member(t);
    const answers = await burst(t, 15, (url, i) => send(client, url, 'post', `/api/threads/${threadId}/posts`, { body: `reply ${i}` }));
    expect(byStatus(answers)).toEqual({ 201: LIMITS.posts, 429: 15 - LIMITS.posts });
    const posts = await new Client(t.urls[0]!).get(`/api/threads/${threadId}/posts`);
    expect(posts.body.items).toHaveLength(1 + LIMITS.posts);
  },

  'edits count with posts: twelve concurrent edits after one reply, and only the rest of the minute passes': async (t) => {
    const { threadId } = await thread(t);
    const { client } = await member(t);
    const reply = await client.post(`/api/threads/${threadId}/posts`, { body: 'first words' });
    expect(reply.status).toBe(201);
    const answers = await burst(t, 12, (url, i) => send(client, url, 'patch', `/api/posts/${reply.body.post.id}`, { body: `edit ${i}` }));
    expect(byStatus(answers)).toEqual({ 200: LIMITS.posts - 1, 429: 12 - (LIMITS.posts - 1) });
  },

  'six concurrent flags past a daily limit of three: three are taken, and a repeated flag does not use one up': async (t) => {
    const { threadId } = await thread(t);
    const postIds: string[] = [];
    for (let a = 0; a < 2; a++) {
      const { client } = await member(t);
      for (let i = 0; i < 4; i++) postIds.push((await client.post(`/api/threads/${threadId}/posts`, { body: `post ${a}.${i}` })).body.post.id);
    }
    const flagger = (await member(t)).client;
    const answers = await burst(t, 6, (url, i) => send(flagger, url, 'post', `/api/posts/${postIds[i]}/flags`, { reason: 'spam' }));
    expect(byStatus(answers)).toEqual({ 201: LIMITS.flags, 429: 6 - LIMITS.flags });

    const careful = (await member(t)).client;
    const same = await burst(t, 3, (url) => send(careful, url, 'post', `/api/posts/${postIds[0]}/flags`, { reason: 'spam' }));
    expect(byStatus(same)).toEqual({ 201: 1, 409: 2 });
    const rest = await burst(t, 4, (url, i) => send(careful, url, 'post', `/api/posts/${postIds[1 + i]}/flags`, { reason: 'spam' }));
    expect(byStatus(rest)).toEqual({ 201: LIMITS.flags - 1, 429: 4 - (LIMITS.flags - 1) });
  },

  'twelve concurrent previews from one member: exactly the per-minute limit are rendered': async (t) => {
    const { client } = await member(t);
    const answers = await burst(t, 12, (url, i) => send(client, url, 'post', '/api/preview', { body: `draft **${i}**` }));
    expect(byStatus(answers)).toEqual({ 200: LIMITS.previews, 429: 12 - LIMITS.previews });
  },

  'wrong current passwords in account changes and deletion share the lockout: five are checked, and the account stays': async (t) => {
    const { id, client } = await member(t);
    const answers = await burst(t, 12, (url, i) =>
      i % 2
        ? send(client, url, 'patch', '/api/me', { currentPassword: 'a wrong password', email: 'elsewhere@example.com' })
        : send(client, url, 'delete', '/api/me', { password: 'a wrong password', posts: 'anonymize' }));
    expect(byStatus(answers)).toEqual({ 403: LIMITS.account, 429: 12 - LIMITS.account });
    expectRateLimited(await send(client, t.urls.at(-1)!, 'delete', '/api/me', { password: PASSWORD, posts: 'anonymize' }));
    expect(await t.users.get(id)).not.toBeNull();
    expect((await client.get('/api/me')).status).toBe(200);
  },

  'eight concurrent referrals past a daily limit of three: three invites are sent, five answer 429': async (t) => {
    const { client } = await member(t);
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) tokens.push((await client.post('/api/referrals/token')).body.token);
    const before = t.smtp.messages.length;
    const answers = await burst(t, 8, (url, i) =>
      send(client, url, 'post', '/api/referrals', { token: tokens[i], friendName: 'Ada Lovelace', friendEmail: `ada${i}@example.org` }));
    expect(byStatus(answers)).toEqual({ 202: LIMITS.referrals, 429: 8 - LIMITS.referrals });
    expect(t.smtp.messages.length - before).toBe(LIMITS.referrals);
  },
};
