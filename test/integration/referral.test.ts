import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { cleanRedis, makeStores, REDIS_URL, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { signedIn, type Client } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, unusedPort, type ReceivedMail } from '../helpers/smtp.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { payloadCheck } from '../../server/referral/tokens.js';
import type { Stores } from '../../server/store/index.js';

// Every scenario of the issue, on Redis, with one unique friend (the canary). The last test sweeps
// all of Redis, every log line and every response body of this file for that friend's name and address.

const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const canary = { first: cap(`qa${letters(9)}`), last: cap(`zu${letters(9)}`), local: `canary.${letters(10)}`, domain: `${letters(8)}.example.net` };
const friend = { name: `${canary.first} ${canary.last}`, address: `${canary.local}@${canary.domain}` };

const PUBLIC_URL = 'https://community.example.test';
const POSTAL = 'Agora Inc., 42 Harbour Road, Portsmouth PO1 2AB';
const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);

const smtp = new TestSmtpServer();
const logs = captureLogs('trace');
const prefix = testPrefix();
const env = () => ({ SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'Agora Community <invites@agora.example.com>', COMPANY_POSTAL_ADDRESS: POSTAL, REFERRAL_IP_DAILY_LIMIT: '1000' });
let a: Running;
let b: Running;
const extra: Running[] = [];

/** Every response body (and header) this file receives, for the sweep. */
const seen: string[] = [];
const keep = <R extends { text: string; headers: unknown }>(res: R): R => {
  seen.push(res.text ?? '', JSON.stringify(res.headers));
  return res;
};

const member = (on: Running = a) => signedIn(on.url, on.stores.users);
/** A request by `c` (signed in anywhere) sent to `on`: sessions live in the shared Redis. */
const postOn = async (on: Running, c: Client, path: string, body: object = {}) =>
  keep(await request(on.url).post(path).set('Cookie', c.cookieHeader()).set('X-CSRF-Token', await c.token()).send(body));
const formToken = async (c: Client, on: Running = a): Promise<string> => {
  const res = await postOn(on, c, '/api/referrals/token');
  expect(res.status).toBe(201);
  return res.body.token as string;
};
const refer = (c: Client, token: string, to: { name: string; address: string } = friend, on: Running = a) =>
  postOn(on, c, '/api/referrals', { token, friendName: to.name, friendEmail: to.address });

beforeAll(async () => {
  await smtp.start();
  a = await startAgora({ store: 'redis', prefix, env: env(), logger: logs.logger });
  b = await startAgora({ store: 'redis', prefix, env: env(), logger: logs.logger });
});
afterAll(async () => {
  for (const r of [a, b, ...extra]) await r?.close();
  await smtp.stop();
  await cleanRedis(prefix);
});
beforeEach(() => smtp.reset());

const HEADER_NAMES = ['content-type', 'date', 'from', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'mime-version', 'subject', 'to'];
const optOutUrlOf = (m: ReceivedMail) => /^<(.+)>$/.exec(m.headers.get('list-unsubscribe')![0]!)![1]!;

test('a referral sends exactly one message to the one friend, from the company, with the opt-out headers and the links', async () => {
  const c = await member();
  const res = await refer(c, await formToken(c));
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ status: 'accepted' });

  expect(smtp.messages).toHaveLength(1);
  const m = smtp.messages[0]!;
  expect(m.from).toBe('invites@agora.example.com');
  expect(m.to).toEqual([friend.address]);
  expect([...m.headers.keys()].sort()).toEqual(HEADER_NAMES);
  expect(m.headers.get('from')).toEqual(['Agora Community <invites@agora.example.com>']);
  expect(m.headers.get('to')).toEqual([`${friend.name} <${friend.address}>`]);
  expect(m.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
  expect(m.headers.get('message-id')).toEqual([expect.stringMatching(/^<[A-Za-z0-9_-]{32}@agora\.example\.com>$/)]);
  const optOut = optOutUrlOf(m);
  expect(optOut).toMatch(new RegExp(`^${PUBLIC_URL}/unsubscribe/[A-Za-z0-9_-]{43}$`));
  const join = `${PUBLIC_URL}/r/${c.user!.referralCode}`;
  for (const part of [m.text, m.html]) {
    expect(part).toContain(`Hello ${friend.name},`);
    expect(part).toContain(c.user!.username);
    expect(part).toContain(join);
    expect(part).toContain(optOut);
    expect(part).toContain(POSTAL);
    expect(part).toMatch(/Why you got this email/);
  }
});

test('the same token submitted twice sends one message, and both answers are the same 202', async () => {
  const c = await member();
  const token = await formToken(c);
  const first = await refer(c, token);
  const second = await refer(c, token);
  expect([first.status, second.status]).toEqual([202, 202]);
  expect(second.body).toEqual(first.body);
  expect(smtp.messages).toHaveLength(1);
});

test('the same token submitted 20 times at once across two app instances sends exactly one message', async () => {
  const c = await member();
  const token = await formToken(c);
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => refer(c, token, friend, i % 2 ? b : a)));
  expect(answers.map((r) => r.status)).toEqual(Array(20).fill(202));
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.rcpt).toBe(1);
});

describe.each([
  ['a 4xx at RCPT', () => (smtp.rcptReply = { code: 451, message: 'Mailbox busy, try again later' }), 'rcpt'],
  ['a 4xx after the message data', () => (smtp.dataReply = { code: 452, message: 'Insufficient storage, try again later' }), 'data'],
] as const)('%s', (_label, refuse, stage) => {
  test('delivers nothing and answers 503; the same token retried later sends exactly one', async () => {
    const c = await member();
    const token = await formToken(c);
    refuse();
    const refused = await refer(c, token);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    expect(smtp.seen[stage]).toBe(1); // the server was reached and said no
    expect(smtp.messages).toHaveLength(0);

    smtp.rcptReply = smtp.dataReply = null;
    expect((await refer(c, token)).status).toBe(202);
    expect((await refer(c, token)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
  });
});

test('a 5xx at RCPT or after the message data delivers nothing', async () => {
  const c = await member();
  smtp.rcptReply = { code: 550, message: 'No such user here' };
  expect((await refer(c, await formToken(c))).status).toBe(503);
  smtp.rcptReply = null;
  smtp.dataReply = { code: 554, message: 'Transaction failed' };
  expect((await refer(c, await formToken(c))).status).toBe(503);
  expect(smtp.seen).toEqual({ rcpt: 2, data: 1 });
  expect(smtp.messages).toHaveLength(0);
});

test('with the mail server down the answer is 503 and nothing is delivered; the token works once it is back', async () => {
  const down = await startAgora({ store: 'redis', prefix, env: { ...env(), SMTP_URL: `smtp://u:p@127.0.0.1:${await unusedPort()}` }, logger: logs.logger });
  extra.push(down);
  const c = await member(down);
  const token = await formToken(c, down);
  const res = await refer(c, token, friend, down);
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('unavailable');
  expect(smtp.messages).toHaveLength(0);
  // Another instance, whose mail server answers: the released token sends exactly one.
  expect((await refer(c, token, friend, a)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
});

describe('with the referral store behind a proxy that can cut Redis off', () => {
  const proxy = new TcpProxy(REDIS_PORT);
  let c3: Running;
  let cut: Stores;
  let direct: Stores;
  const back = async () => {
    await proxy.start();
    // ioredis reconnects on its own, backing off up to 2 s: wait until it answers again.
    await eventually(() => cut.ping(), { what: 'the cut-off store answers again', intervalMs: 100 });
  };
  beforeAll(async () => {
    const port = await proxy.start();
    cut = await makeStores('redis', prefix, `redis://127.0.0.1:${port}`);
    direct = await makeStores('redis', prefix);
    // Sessions and users stay reachable, so the request gets as far as the referral itself.
    c3 = await startAgora({ store: 'redis', prefix, env: env(), logger: logs.logger, stores: { ...direct, referrals: cut.referrals, limiters: cut.limiters } });
  });
  // Close the clients behind the proxy first, so none is left reconnecting.
  afterAll(async () => {
    await c3.close();
    await cut.close();
    await direct.close();
    await proxy.stop();
  });

  test('Redis down: the answer is 503 and nothing is delivered; once it is back the same token sends exactly one', async () => {
    const c = await member(c3);
    const token = await formToken(c, c3);
    await proxy.stop();
    const res = await refer(c, token, friend, c3);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(smtp.seen.rcpt).toBe(0);
    expect(smtp.messages).toHaveLength(0);
    await back();
    expect((await refer(c, token, friend, c3)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
  });

  test('Redis lost while the message is being sent: the answer is 202, and the token never sends again', async () => {
    const c = await member(c3);
    const token = await formToken(c, c3);
    smtp.beforeRcpt = () => proxy.stop();
    expect((await refer(c, token, friend, c3)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
    smtp.beforeRcpt = null;
    await back();
    expect((await cut.referrals.getToken(token))?.state).toBe('sending');
    expect((await refer(c, token, friend, c3)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
  });
});

test('a connection dropped after the message data leaves one message on the server, and the same token again sends nothing more', async () => {
  const c = await member();
  const token = await formToken(c);
  smtp.dropAfterData = true;
  expect((await refer(c, token)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
  expect((await a.stores.referrals.getToken(token))?.state).toBe('unknown');
  smtp.dropAfterData = false;
  expect((await refer(c, token)).status).toBe(202);
  expect((await refer(c, token, friend, b)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.data).toBe(1);
});

test('a token a crashed process left "sending" is never sent, and answers 202', async () => {
  const c = await member();
  const token = await formToken(c);
  const check = payloadCheck(a.config.optOutSecret, token, friend.name, friend.address);
  expect((await a.stores.referrals.reserve(token, c.user!.id, check, 60_000)).kind).toBe('reserved');
  expect((await refer(c, token)).status).toBe(202);
  expect(smtp.seen.rcpt).toBe(0);
});

test('header-injection attempts in the name and the address are refused, or reach exactly the one friend with no extra header', async () => {
  const c = await member();
  const evil = 'attacker@evil.example';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const refused: [string, string][] = [
    ['friendName', `${friend.name}\r\nBcc: ${evil}`],
    ['friendName', `${friend.name}\nBcc: ${evil}`],
    ['friendName', `${friend.name}\u2028Bcc: ${evil}`],
    ['friendName', `${friend.name} <${evil}>`],
    ['friendName', `=?utf-8?B?${b64(`${friend.name}\r\nBcc: ${evil}`)}?=`],
    ['friendName', `=?utf-8?Q?${canary.first}=0D=0ABcc:=20${evil}?=`],
    ['friendEmail', `${friend.address}\r\nBcc: ${evil}`],
    ['friendEmail', `${friend.address}\u2029${evil}`],
    ['friendEmail', `${friend.address}, ${evil}`],
    ['friendEmail', `${friend.address},${evil}`],
    ['friendEmail', `${friend.address};${evil}`],
    ['friendEmail', `"${friend.name}" <${friend.address}>`],
    ['friendEmail', `<${friend.address}>`],
    ['friendEmail', `${friend.address}%0D%0ABcc:${evil}`],
    ['friendEmail', `${canary.local}%evil.example@${canary.domain}`],
    ['friendEmail', `=?utf-8?Q?${canary.local}?=@${canary.domain}`],
    ['friendEmail', `${evil}\u0000${friend.address}`],
  ];
  for (const [field, value] of refused) {
    const body = { token: await formToken(c), friendName: friend.name, friendEmail: friend.address, [field]: value };
    const res = await postOn(a, c, '/api/referrals', body);
    expect([field, res.status, res.body.error?.details]).toEqual([field, 400, { field }]);
    expect(res.text).not.toMatch(/attacker|evil|bcc/i);
  }
  expect(smtp.seen.rcpt).toBe(0);

  const delivered = [
    { name: `${canary.last}, ${canary.first}`, address: friend.address },
    { name: `  ${friend.name}  `, address: `  ${friend.address}  ` },
    { name: friend.name, address: `${canary.local}@${canary.domain.toUpperCase()}` },
  ];
  for (const to of delivered) expect((await refer(c, await formToken(c), to)).status).toBe(202);
  expect(smtp.seen.rcpt).toBe(delivered.length);
  for (const m of smtp.messages) {
    expect(m.to).toEqual([friend.address]);
    expect([...m.headers.keys()].sort()).toEqual(HEADER_NAMES);
    expect(m.headers.get('to')).toHaveLength(1);
    expect(m.raw).not.toMatch(/attacker|evil\.example|^bcc:/im);
  }
  expect(smtp.messages[0]!.headers.get('to')).toEqual([`"${canary.last}, ${canary.first}" <${friend.address}>`]);
});

test('after the friend opts out through the link, a new referral to that address delivers nothing and still answers 202', async () => {
  const c = await member();
  const sent = await refer(c, await formToken(c));
  expect(smtp.messages).toHaveLength(1);
  // The mail provider's RFC 8058 one-click POST: no session, no CSRF token.
  const link = new URL(optOutUrlOf(smtp.messages[0]!));
  const optOut = keep(await request(a.url).post(link.pathname).type('form').send('List-Unsubscribe=One-Click'));
  expect(optOut.status).toBe(200);

  const again = await member(b);
  const suppressed = await refer(again, await formToken(again, b), { name: friend.name, address: friend.address.toUpperCase() }, b);
  expect(suppressed.status).toBe(202);
  expect(suppressed.body).toEqual(sent.body);
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.rcpt).toBe(1);
  // Others still get their invite.
  expect((await refer(again, await formToken(again, b), { name: friend.name, address: `other.${letters(8)}@example.org` }, b)).status).toBe(202);
  expect(smtp.messages).toHaveLength(2);
});

/** Every key and every value of every type in the whole Redis database, as one text. */
async function dumpRedis(): Promise<string> {
  const r = new Redis(REDIS_URL);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        out.push(key);
        const type = await r.type(key);
        if (type === 'string') out.push((await r.get(key)) ?? '');
        else if (type === 'hash') out.push(...Object.entries(await r.hgetall(key)).flat());
        else if (type === 'list') out.push(...(await r.lrange(key, 0, -1)));
        else if (type === 'set') out.push(...(await r.smembers(key)));
        else if (type === 'zset') out.push(...(await r.zrange(key, '0', '-1', 'WITHSCORES')));
        else if (type === 'stream') out.push(JSON.stringify(await r.xrange(key, '-', '+')));
        else if (type !== 'none') out.push(`unreadable type ${type}`);
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return out.join('\n');
}

test('the canary sweep: no Redis key or value, log line or response body holds the friend\'s name or address in any case', async () => {
  // The scan reads every data type: markers planted in each are found.
  const r = new Redis(REDIS_URL);
  const mark = (t: string) => `planted-${t}-${letters(8)}`;
  const marks = { string: mark('string'), hash: mark('hash'), list: mark('list'), set: mark('set'), zset: mark('zset'), stream: mark('stream') };
  await r.set(`${prefix}probe:s`, marks.string);
  await r.hset(`${prefix}probe:h`, 'f', marks.hash);
  await r.rpush(`${prefix}probe:l`, marks.list);
  await r.sadd(`${prefix}probe:set`, marks.set);
  await r.zadd(`${prefix}probe:z`, 1, marks.zset);
  await r.xadd(`${prefix}probe:x`, '*', 'f', marks.stream);
  const dump = await dumpRedis();
  for (const m of Object.values(marks)) expect(dump).toContain(m);
  await r.del(...['s', 'h', 'l', 'set', 'z', 'x'].map((k) => `${prefix}probe:${k}`));
  r.disconnect();

  keep(await request(a.url).get('/metrics'));
  const forms = [friend.name, friend.address, canary.first, canary.last, canary.local, canary.domain].map((s) => s.toLowerCase());
  const haystacks = { redis: dump, logs: logs.text(), responses: seen.join('\n') };
  expect(logs.lines.length).toBeGreaterThan(20); // the logs were written, just not with the friend in them
  expect(haystacks.logs).toMatch(/"referral":"sent"/);
  for (const [where, text] of Object.entries(haystacks)) {
    const lower = text.toLowerCase();
    for (const f of forms) expect([where, lower.includes(f)]).toEqual([where, false]);
  }
});
