import { Client, signedIn } from '../helpers/http.js';
import { startAgora, type Running } from '../helpers/agora.js';
import { OwnRedis } from '../helpers/redis-server.js';

// Fault test: the Redis server really stops and restarts while members post.
describe('Redis stopped and restarted while members post', () => {
  const redis = new OwnRedis();
  let agora: Running;
  beforeAll(async () => {
    await redis.start();
    agora = await startAgora({ store: 'redis', redisUrl: redis.url, env: { POST_RATE_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await agora?.close();
    await redis.destroy();
  });

  test('writes answer 503 during the outage, Agora recovers without a restart, and every 201 is still there', async () => {
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: 'faults', title: 'Faults' })).body.forum.id;
    const members: Client[] = [];
    for (let i = 0; i < 4; i++) members.push(await signedIn(agora.url, agora.stores.users, 'member'));
    const threadId = (await members[0]!.post(`/api/forums/${forumId}/threads`, { title: 'outage', body: 'start' })).body.thread.id;
    for (const m of members) await m.token();

    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    let n = 0;
    // Members post continuously through the outage.
    const posting = members.map(async (m) => {
      while (!stop) {
        const body = `post ${n++}`;
        const res = await m.post(`/api/threads/${threadId}/posts`, { body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(res.body.post.id);
        else {
          expect(res.status).toBe(503);
          expect(res.body.error.code).toBe('unavailable');
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const waitFor = async (pred: () => boolean, ms: number) => {
      const until = Date.now() + ms;
      while (!pred() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(pred()).toBe(true);
    };
    await waitFor(() => (statuses.get(201) ?? 0) >= 20, 10_000);
    await redis.stop();
    await waitFor(() => (statuses.get(503) ?? 0) >= 20, 10_000);
    const readyDuring = await members[0]!.get('/readyz');
    expect(readyDuring.status).toBe(503);
    const okBefore = statuses.get(201)!;
    await redis.start();
    await waitFor(() => (statuses.get(201) ?? 0) >= okBefore + 20, 15_000);
    stop = true;
    await Promise.all(posting);
    expect((await members[0]!.get('/readyz')).status).toBe(200);

    // Every post that was answered 201 is there, in the thread, exactly once.
    const stored = (await agora.stores.forum.listPosts(threadId, 0, 100_000)).map((p) => p.id);
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored).toEqual(expect.arrayContaining(acknowledged));
    const thread = await agora.stores.forum.getThread(threadId);
    expect(thread!.postCount).toBe(stored.length);
    expect(await agora.stores.forum.currentSeq(threadId)).toBe(stored.length);
    expect([...statuses.keys()].sort()).toEqual([201, 503]);
  }, 60_000);
});
