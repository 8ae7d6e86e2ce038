// A referral on Redis when the mail server or Redis fails: nothing is delivered and the answer says
// so, or the answer is 202 and the token never sends twice, however the failure falls.
import { makeStores, REDIS_URL, startAgora, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/smtp.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { payloadCheck } from '../../server/referral/tokens.js';
import type { Stores } from '../../server/store/index.js';
import { friend, useReferralApp } from './referral-setup.js';

const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);

const app = useReferralApp();
const { smtp, logs, prefix, env, member, formToken, refer } = app;

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
  const down = await app.startExtra({ SMTP_URL: `smtp://u:p@127.0.0.1:${await unusedPort()}` });
  const c = await member(down);
  const token = await formToken(c, down);
  const res = await refer(c, token, friend, down);
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe('unavailable');
  expect(smtp.messages).toHaveLength(0);
  // Another instance, whose mail server answers: the released token sends exactly one.
  expect((await refer(c, token, friend, app.a)).status).toBe(202);
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

  test('Redis lost while the message is being sent: the answer is 202, the outcome is recorded once Redis is back, and the token never sends again', async () => {
    const c = await member(c3);
    const token = await formToken(c, c3);
    smtp.beforeRcpt = () => proxy.stop();
    expect((await refer(c, token, friend, c3)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
    smtp.beforeRcpt = null;
    await back();
    // Still "sending" (never back to issued) until the background retry records what happened: sent.
    expect(['sending', 'sent']).toContain((await cut.referrals.getToken(token))?.state);
    await eventually(async () => expect((await cut.referrals.getToken(token))?.state).toBe('sent'), { what: 'the retry records the sent outcome', timeoutMs: 40_000 });
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
  expect((await app.a.stores.referrals.getToken(token))?.state).toBe('unknown');
  smtp.dropAfterData = false;
  expect((await refer(c, token)).status).toBe(202);
  expect((await refer(c, token, friend, app.b)).status).toBe(202);
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.seen.data).toBe(1);
});

test('a token a crashed process left "sending" is never sent, and answers 202', async () => {
  const c = await member();
  const token = await formToken(c);
  const check = payloadCheck(app.a.config.optOutSecret, token, friend.name, friend.address);
  expect((await app.a.stores.referrals.reserve(token, c.user!.id, check, 60_000)).kind).toBe('reserved');
  expect((await refer(c, token)).status).toBe(202);
  expect(smtp.seen.rcpt).toBe(0);
});

test('the canary sweep: no Redis key or value, log line or response body holds the friend\'s name or address in any case', () => app.canarySweep());
