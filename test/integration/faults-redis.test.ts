import { Client, signedIn } from '../helpers/http.js';
import { startAgora, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
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

  test('while Redis is down writes answer 503; once it is back Agora recovers without a restart, and every post answered 201 is still there', async () => {
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
      }
    });
    const answered = (status: number, atLeast: number) => () => expect(statuses.get(status) ?? 0).toBeGreaterThanOrEqual(atLeast);
    await eventually(answered(201, 20), { what: 'twenty posts are in' });
    await redis.stop();
    await eventually(answered(503, 20), { what: 'twenty posts are refused' });
    const readyDuring = await members[0]!.get('/readyz');
    expect(readyDuring.status).toBe(503);
    const okBefore = statuses.get(201)!;
    await redis.start();
    await eventually(answered(201, okBefore + 20), { what: 'twenty more posts are in after the restart' });
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
