import { startAgora, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { signedIn, type Client } from '../helpers/http.js';
import { TestSmtpServer } from '../helpers/smtp.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

// Fault test: the mail server dies in the middle of a referral's SMTP transaction.
describe('the SMTP server killed during a referral', () => {
  const smtp = new TestSmtpServer();
  let proxy: TcpProxy;
  let agora: Running;
  beforeAll(async () => {
    await smtp.start();
    proxy = new TcpProxy(smtp.port);
    const port = await proxy.start();
    agora = await startAgora({ store: 'redis', env: { SMTP_URL: `smtp://${smtp.user}:${smtp.pass}@127.0.0.1:${port}`, PUBLIC_URL: 'https://community.example.com' } });
  });
  afterAll(async () => {
    await agora?.close();
    await proxy?.stop();
    await smtp.stop();
  });

  const refer = async (c: Client, token: string) => c.post('/api/referrals', { token, friendName: 'Robin Fault', friendEmail: 'robin.fault@example.net' });

  test('the referral answers 503, nothing is delivered, and the same token later sends exactly one', async () => {
    const member = await signedIn(agora.url, agora.stores.users, 'member');
    const token = (await member.post('/api/referrals/token')).body.token as string;
    // The server goes away while Agora is in the middle of the transaction (at RCPT TO):
    // every connection is cut and no new one is accepted.
    smtp.beforeRcpt = () => proxy.stop();
    const res = await refer(member, token);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(smtp.messages).toHaveLength(0);
    expect(smtp.seen.data).toBe(0);

    // While it is down the token keeps answering 503 and sends nothing.
    smtp.beforeRcpt = null;
    expect((await refer(member, token)).status).toBe(503);
    expect(smtp.messages).toHaveLength(0);

    // Back up: the same token sends exactly one, and again sends nothing more.
    await proxy.start();
    expect((await refer(member, token)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['robin.fault@example.net']);
    expect((await refer(member, token)).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
  });
});

// Double fault: the mail server refuses the invite for good (550) and, at that very moment, the
// store is lost too, so the failure cannot be recorded when the request ends. The outcome is
// recorded in the background once the store is back, and the same form then sends exactly one.
describe('the store lost between a definite SMTP failure and its record', () => {
  const smtp = new TestSmtpServer();
  const redisProxy = new TcpProxy(6379);
  let agora: Running;
  beforeAll(async () => {
    await smtp.start();
    const port = await redisProxy.start();
    agora = await startAgora({
      store: 'redis', redisUrl: `redis://127.0.0.1:${port}`,
      env: { SMTP_URL: `smtp://${smtp.user}:${smtp.pass}@127.0.0.1:${smtp.port}`, PUBLIC_URL: 'https://community.example.com' },
    });
  });
  afterAll(async () => {
    await agora?.close();
    await redisProxy.stop();
    await smtp.stop();
  });

  test('the referral answers 503, the failure is recorded once the store is back, and the same token then sends exactly one', async () => {
    const member = await signedIn(agora.url, agora.stores.users, 'member');
    const token = (await member.post('/api/referrals/token')).body.token as string;
    smtp.rcptReply = { code: 550, message: 'mailbox unavailable' };
    smtp.beforeRcpt = () => redisProxy.stop();
    const res = await member.post('/api/referrals', { token, friendName: 'Robin Fault', friendEmail: 'robin.fault@example.net' });
    expect(res.status).toBe(503);
    expect(smtp.messages).toHaveLength(0);
    smtp.rcptReply = null;
    smtp.beforeRcpt = null;

    await redisProxy.start();
    // The store has the token as `sending` until the background retry records the failure.
    await eventually(async () => expect((await agora.stores.referrals.getToken(token))?.state).toBe('failed'), { what: 'the retry records the failure', intervalMs: 100 });

    const again = await member.post('/api/referrals', { token, friendName: 'Robin Fault', friendEmail: 'robin.fault@example.net' });
    expect(again.status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['robin.fault@example.net']);
    expect((await member.post('/api/referrals', { token, friendName: 'Robin Fault', friendEmail: 'robin.fault@example.net' })).status).toBe(202);
    expect(smtp.messages).toHaveLength(1);
  });
});
