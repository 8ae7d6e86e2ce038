import { createAccount } from '../../server/auth/service.js';
import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client, uniqueName } from '../helpers/http.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { TestSmtpServer } from '../helpers/smtp.js';

// Two real server processes on one Redis with REQUIRE_VERIFIED_EMAIL=1: a member refused on B
// (which then holds their unverified account in its cache) follows the link on A, and B lets them
// post at once; neither process logs the token or the address.

const PUBLIC_URL = 'https://community.example.test';
const VERIFY_LINK = /\/verify\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/;
const PASSWORD = 'a fine long password';

describe('e-mail verification across two server processes on one Redis', () => {
  const prefix = testPrefix();
  const smtp = new TestSmtpServer();
  let a: AgoraProcess;
  let b: AgoraProcess;

  beforeAll(async () => {
    await smtp.start();
    // LOG_LEVEL debug: every request line is written, so the token would show if any line held it.
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, SMTP_URL: smtp.url, PUBLIC_URL, LOG_LEVEL: 'debug', REQUIRE_VERIFIED_EMAIL: '1' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await smtp.stop();
    await cleanRedis(prefix);
  });

  test('verified on A, the member posts on B right after', async () => {
    const stores = await makeStores('redis', prefix);
    const adminName = uniqueName('adm');
    try {
      await createAccount(stores.users, { username: adminName, email: `${adminName}@example.com`, password: PASSWORD, role: 'admin', emailVerified: true });
    } finally {
      await stores.close();
    }
    const admin = new Client(a.url);
    expect((await admin.login(adminName, PASSWORD)).status).toBe(200);
    const forumId = (await admin.post('/api/forums', { slug: `v${Date.now()}`, title: 'Verified' })).body.forum.id as string;

    const onA = new Client(a.url);
    const { username, email, password } = await onA.register();
    const onB = new Client(b.url);
    expect((await onB.login(username, password)).status).toBe(200);
    const start = () => onB.post(`/api/forums/${forumId}/threads`, { title: 'Hello from B', body: 'Verified now' });
    const refused = await start();
    expect([refused.status, refused.body.error.code]).toEqual([403, 'email_unverified']);

    const mail = await eventually(() => smtp.messages.find((m) => m.to.includes(email) && VERIFY_LINK.test(m.text)) ?? false, { what: 'the verification mail arrives' });
    const token = VERIFY_LINK.exec(mail.text)![1]!;
    expect((await new Client(a.url).post('/api/auth/verify-email', { token })).status).toBe(200);

    const started = await start();
    expect(started.status).toBe(201);
    expect((await onB.get('/api/auth/me')).body.user.emailVerified).toBe(true);
    for (const p of [a, b]) {
      expect(p.output()).not.toContain(token);
      expect(p.output()).not.toContain(email);
    }
  });
});
