// What the referral suites (referral.test.ts, referral-failures.test.ts) share: two app instances
// on one Redis, a test mail server, and one unique friend (the canary). Each suite ends with the
// canary sweep, which searches all of Redis, every log line and every response body of that suite
// for the friend's name and address.
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { cleanRedis, REDIS_URL, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { signedIn, type Client } from '../helpers/http.js';
import { captureLogs } from '../helpers/log-capture.js';
import { TestSmtpServer, type ReceivedMail } from '../helpers/smtp.js';

export const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
export const canary = { first: cap(`qa${letters(9)}`), last: cap(`zu${letters(9)}`), local: `canary.${letters(10)}`, domain: `${letters(8)}.example.net` };
export const friend = { name: `${canary.first} ${canary.last}`, address: `${canary.local}@${canary.domain}` };

export const PUBLIC_URL = 'https://community.example.test';
export const POSTAL = 'Agora Inc., 42 Harbour Road, Portsmouth PO1 2AB';

export const HEADER_NAMES = ['content-type', 'date', 'from', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'mime-version', 'subject', 'to'];
export const optOutUrlOf = (m: ReceivedMail) => /^<(.+)>$/.exec(m.headers.get('list-unsubscribe')![0]!)![1]!;

/**
 * Starts two instances (`a`, `b`) and the mail server before the suite's tests and stops them,
 * and any started with `startExtra`, after them; the mail server forgets its messages before each test.
 */
export function useReferralApp() {
  const smtp = new TestSmtpServer();
  const logs = captureLogs('trace');
  const prefix = testPrefix();
  const env = () => ({ SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'Agora Community <invites@agora.example.com>', COMPANY_POSTAL_ADDRESS: POSTAL, REFERRAL_IP_DAILY_LIMIT: '1000' });
  const extra: Running[] = [];
  /** Every response body (and header) this suite receives, for the sweep. */
  const seen: string[] = [];

  let a: Running;
  let b: Running;

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
  /** One more instance on the same Redis and logs, with some settings changed; stopped with the others. */
  const startExtra = async (envChanges: Record<string, string>): Promise<Running> => {
    const running = await startAgora({ store: 'redis', prefix, env: { ...env(), ...envChanges }, logger: logs.logger });
    extra.push(running);
    return running;
  };

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

  return {
    smtp,
    logs,
    prefix,
    env,
    get a() {
      return a;
    },
    get b() {
      return b;
    },
    keep,
    member,
    postOn,
    formToken,
    refer,
    startExtra,
    canarySweep: () => canarySweep({ url: a.url, prefix, logs, seen, keep }),
  };
}

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
        // Joined, not spread into push: a hash of 100,000 fields (a bench's post index) would
        // pass as that many arguments and overflow the stack.
        if (type === 'string') out.push((await r.get(key)) ?? '');
        else if (type === 'hash') out.push(Object.entries(await r.hgetall(key)).flat().join('\n'));
        else if (type === 'list') out.push((await r.lrange(key, 0, -1)).join('\n'));
        else if (type === 'set') out.push((await r.smembers(key)).join('\n'));
        else if (type === 'zset') out.push((await r.zrange(key, '0', '-1', 'WITHSCORES')).join('\n'));
        else if (type === 'stream') out.push(JSON.stringify(await r.xrange(key, '-', '+')));
        else if (type !== 'none') out.push(`unreadable type ${type}`);
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return out.join('\n');
}

interface SweepOf {
  /** Where to read /metrics, whose answer is swept too. */
  url: string;
  prefix: string;
  logs: ReturnType<typeof captureLogs>;
  /** The suite's responses, and the function that adds one. */
  seen: string[];
  keep: <R extends { text: string; headers: unknown }>(res: R) => R;
}

/** No Redis key or value, log line or response body of the suite holds the friend's name or address in any case. */
async function canarySweep({ url, prefix, logs, seen, keep }: SweepOf): Promise<void> {
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

  keep(await request(url).get('/metrics'));
  const forms = [friend.name, friend.address, canary.first, canary.last, canary.local, canary.domain].map((s) => s.toLowerCase());
  const haystacks = { redis: dump, logs: logs.text(), responses: seen.join('\n') };
  expect(logs.lines.length).toBeGreaterThan(20); // the logs were written, just not with the friend in them
  expect(haystacks.logs).toMatch(/"referral":"sent"/);
  for (const [where, text] of Object.entries(haystacks)) {
    const lower = text.toLowerCase();
    for (const f of forms) expect([where, lower.includes(f)]).toEqual([where, false]);
  }
}
