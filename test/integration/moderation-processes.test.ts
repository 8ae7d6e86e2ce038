import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { signedIn } from '../helpers/http.js';
import { connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import type { Stores } from '../../server/store/index.js';

describe('moderation across two server processes on one Redis', () => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let stores: Stores;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, POST_RATE_PER_MINUTE: '1000' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    stores = await makeStores('redis', prefix);
  }, 40_000);
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all([a?.stop(), b?.stop()]);
    await stores?.close();
    await cleanRedis(prefix);
  });

  const account = (url: string, role: 'member' | 'moderator' | 'admin') => signedIn(url, stores.users, role);


  test('a removal made through process B reaches a socket connected to process A', async () => {
    const admin = await account(b.url, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: 'procs', title: 'Procs' })).body.forum.id;
    const member = await account(a.url, 'member');
    const created = await member.post(`/api/forums/${forumId}/threads`, { title: 't', body: 'to be removed across processes' });
    const { thread, post } = created.body;
    const onA = await connectSocket(a.url);
    sockets.push(onA);
    expect((await onA.timeout(3000).emitWithAck('thread:watch', { threadId: thread.id })).ok).toBe(true);
    const removed = nextEvent(onA, 'post:removed', 5000);
    const mod = await account(b.url, 'moderator');
    expect((await mod.post(`/api/posts/${post.id}/remove`, { reason: 'spam' })).status).toBe(200);
    expect(await removed).toEqual({ seq: 2, postId: post.id, threadId: thread.id });
  });

  test("a ban made through process B closes the banned user's socket on process A", async () => {
    const victim = await account(a.url, 'member');
    const s = await connectSocket(a.url, victim.cookieHeader());
    sockets.push(s);
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    const mod = await account(b.url, 'moderator');
    const started = Date.now();
    expect((await mod.post(`/api/mod/users/${victim.user!.id}/ban`, { reason: 'spam' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(Date.now() - started).toBeLessThan(1000);
    // And process A refuses the banned user's writes at once: its account cache dropped the record
    // when B's invalidation arrived, which B published before it closed the sockets.
    expect((await victim.post('/api/preview', { body: 'x' })).status).toBe(403);
  });
});
