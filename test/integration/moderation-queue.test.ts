import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn, type Client } from '../helpers/http.js';
import { ACK_MS, connectSocket, nextEvent } from '../helpers/sockets.js';

describe('review-queue rules', () => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let forumId: string;
  beforeAll(async () => {
    agora = await startAgora({ store: 'redis', env: { HOLD_FIRST_POSTS: '1', HOLD_ACKNOWLEDGED_PII: 'PHONE,IBAN' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    forumId = (await admin.post('/api/forums', { slug: `queue-${Date.now()}`, title: 'Q' })).body.forum.id;
  });
  afterAll(() => agora.close());

  test("a new account's first thread is held, hidden from the public until approved, and the author sees it waiting", async () => {
    const newbie = await signedIn(agora.url, agora.stores.users);
    const res = await newbie.post(`/api/forums/${forumId}/threads`, { title: 'Hello all', body: 'my first post' });
    expect(res.status).toBe(201);
    expect(res.body.post).toMatchObject({ status: 'held' });
    const { thread, post } = res.body;
    expect((await request(agora.url).get(`/api/threads/${thread.id}`)).status).toBe(404);
    expect((await request(agora.url).get(`/api/forums/${forumId}/threads`)).body.items.map((t: { id: string }) => t.id)).not.toContain(thread.id);
    expect((await newbie.get(`/api/threads/${thread.id}/posts`)).body.items[0]).toMatchObject({ id: post.id, status: 'held' });
    const queue = (await moderator.get('/api/mod/queue')).body.items;
    expect(queue.find((i: { post: { id: string } }) => i.post.id === post.id)).toMatchObject({ kind: 'held', flags: [] });

    const forumTab = await connectSocket(agora.url);
    await forumTab.timeout(ACK_MS).emitWithAck('forum:watch', { forumId });
    const appeared = nextEvent(forumTab, 'thread:created');
    const authorTab = await connectSocket(agora.url, newbie.cookieHeader());
    await authorTab.timeout(ACK_MS).emitWithAck('thread:watch', { threadId: thread.id });
    const told = nextEvent(authorTab, 'post:updated');
    expect((await moderator.post(`/api/posts/${post.id}/approve`, {})).status).toBe(200);
    expect((await appeared).thread.id).toBe(thread.id);
    expect((await told).post).toMatchObject({ id: post.id, status: 'visible' }); // the author is told
    expect((await request(agora.url).get(`/api/threads/${thread.id}/posts`)).body.items[0].status).toBe('visible');
    // The second post is not held.
    expect((await newbie.post(`/api/threads/${thread.id}/posts`, { body: 'second' })).body.post.status).toBe('visible');
    forumTab.disconnect();
    authorTab.disconnect();
  });

  test('a post with acknowledged personal data of a configured type is held; other types are not', async () => {
    const m = await signedIn(agora.url, agora.stores.users);
    const t = await m.post(`/api/forums/${forumId}/threads`, { title: 'x', body: 'first' });
    await moderator.post(`/api/posts/${t.body.post.id}/approve`, {});
    const phone = await m.post(`/api/threads/${t.body.thread.id}/posts`, { body: 'call +44 20 7946 0958', acknowledgePii: ['PHONE'] });
    expect(phone.body.post).toMatchObject({ status: 'held', piiTypes: ['PHONE'] });
    const email = await m.post(`/api/threads/${t.body.thread.id}/posts`, { body: 'mail a.b@example.org', acknowledgePii: ['EMAIL'] });
    expect(email.body.post.status).toBe('visible');
    const queued = (await moderator.get('/api/mod/queue')).body.items.map((i: { post: { id: string } }) => i.post.id);
    expect(queued).toContain(phone.body.post.id);
    expect(queued).not.toContain(email.body.post.id);
    expect((await moderator.post(`/api/posts/${phone.body.post.id}/remove`, { reason: 'personal data' })).status).toBe(200);
    expect((await m.get(`/api/posts/${phone.body.post.id}`)).body.post.status).toBe('removed');
  });
});
