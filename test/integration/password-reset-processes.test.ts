import { cleanRedis, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client } from '../helpers/http.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { TestSmtpServer } from '../helpers/smtp.js';
import { connectSocket, type TestSocket } from '../helpers/sockets.js';

// Two real server processes on one Redis: a reset asked through one and confirmed through the
// other ends the member's sessions and sockets on both, and neither process logs the token.

const PUBLIC_URL = 'https://community.example.test';

describe('password reset across two server processes on one Redis', () => {
  const prefix = testPrefix();
  const smtp = new TestSmtpServer();
  let a: AgoraProcess;
  let b: AgoraProcess;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    await smtp.start();
    // LOG_LEVEL debug: every request line is written, so the token would show if any line held it.
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, SMTP_URL: smtp.url, PUBLIC_URL, LOG_LEVEL: 'debug' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all([a?.stop(), b?.stop()]);
    await smtp.stop();
    await cleanRedis(prefix);
  });

  test('a reset asked on B and confirmed on A closes the sockets on both, and the new password signs in on B', async () => {
    const onA = new Client(a.url);
    const { username, email, password } = await onA.register();
    const onB = new Client(b.url);
    expect((await onB.login(username, password)).status).toBe(200);
    const open = [await connectSocket(a.url, onA.cookieHeader()), await connectSocket(b.url, onB.cookieHeader())];
    sockets.push(...open);
    const closed = open.map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));

    expect((await new Client(b.url).post('/api/auth/password-reset', { email })).status).toBe(202);
    // Only the reset mail: signing up may have sent the address other mail (a verification).
    const mail = await eventually(() => smtp.messages.find((m) => m.to.includes(email) && m.text.includes('/reset/')) ?? false, { what: 'the reset mail arrives' });
    const token = /\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    expect((await new Client(a.url).post('/api/auth/password-reset/confirm', { token, password: 'a new password for both' })).status).toBe(204);

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await onA.get('/api/auth/me')).status).toBe(401);
    expect((await onB.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(b.url).login(username, 'a new password for both')).status).toBe(200);
    const again = await new Client(b.url).post('/api/auth/password-reset/confirm', { token, password: 'yet another password' });
    expect([again.status, again.body.error.code]).toEqual([400, 'invalid_token']);
    for (const p of [a, b]) {
      expect(p.output()).not.toContain(token);
      expect(p.output()).not.toContain(email);
    }
  });
});
