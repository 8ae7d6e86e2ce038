import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';

const watch = (s: TestSocket, threadId: string, since?: number) =>
  s.timeout(ACK_MS).emitWithAck('thread:watch', since === undefined ? { threadId } : { threadId, since }) as Promise<WatchAck>;

/** Collects every post event a socket receives, in arrival order. */
function record(s: TestSocket) {
  const got: { event: string; payload: { seq: number; post?: { id: string; html: string | null }; postId?: string } }[] = [];
  for (const event of ['post:created', 'post:updated', 'post:removed', 'post:restored'] as const) {
    s.on(event as "post:created", ((payload: never) => void got.push({ event, payload })) as never);
  }
  return got;
}

describe.each(['memory', 'redis'] as const)('live thread updates on the %s store', (store) => {
  let agora: Running;
  let member: Client;
  let forumId: string;
  const sockets: TestSocket[] = [];
  const open = async (cookie?: string) => {
    const s = await connectSocket(agora.url, cookie);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000', THREAD_LOG_SIZE: '10', HOLD_FIRST_POSTS: '1' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `live-${Date.now()}`, title: 'Live' })).body.forum.id;
    member = await signedIn(agora.url, agora.stores.users, 'member');
    await member.post(`/api/forums/${forumId}/threads`, { title: 'warm-up', body: 'gets member past HOLD_FIRST_POSTS' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  const newThread = async () => (await member.post(`/api/forums/${forumId}/threads`, { title: 'Live thread', body: 'opening' })).body.thread as { id: string };

  test('two watching clients see a reply at once, with the same seq', async () => {
    const thread = await newThread();
    const [a, b] = [await open(), await open(member.cookieHeader())];
    expect(await watch(a, thread.id)).toEqual({ ok: true, missed: [], reload: false, seq: 1 });
    expect((await watch(b, thread.id)).ok).toBe(true);
    const gotA = nextEvent(a, 'post:created');
    const gotB = nextEvent(b, 'post:created');
    const { body } = await member.post(`/api/threads/${thread.id}/posts`, { body: 'live *reply*' });
    const [ea, eb] = await Promise.all([gotA, gotB]);
    expect(ea.post).toEqual(body.post);
    expect(eb).toEqual(ea);
    expect(ea.seq).toBe(2);
  });

  test('a client that misses posts while away receives exactly those, in order, when it reconnects with since', async () => {
    const thread = await newThread();
    const s1 = await open();
    await watch(s1, thread.id);
    const live = nextEvent(s1, 'post:created');
    await member.post(`/api/threads/${thread.id}/posts`, { body: 'seen live' });
    const lastSeq = (await live).seq;
    s1.disconnect();
    const missedBodies = ['missed one', 'missed two', 'missed three'];
    for (const b of missedBodies) await member.post(`/api/threads/${thread.id}/posts`, { body: b });
    const s2 = await open();
    const ack = await watch(s2, thread.id, lastSeq);
    expect(ack.ok).toBe(true);
    expect(ack.reload).toBe(false);
    expect(ack.missed!.map((m) => m.event)).toEqual(['post:created', 'post:created', 'post:created']);
    const payloads = ack.missed!.map((m) => m.payload as { seq: number; post: { html: string } });
    expect(payloads.map((p) => p.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
    expect(payloads.map((p) => p.post.html)).toEqual(missedBodies.map((b) => `<p>${b}</p>\n`));
  });

  test('a client that was away longer than the log keeps is told to reload', async () => {
    const thread = await newThread();
    for (let i = 0; i < 12; i++) await member.post(`/api/threads/${thread.id}/posts`, { body: `p${i}` });
    const s = await open();
    expect(await watch(s, thread.id, 1)).toEqual({ ok: true, missed: [], reload: true, seq: 13 });
  });

  test('a client only ever receives events for what it watches', async () => {
    const [watched, other] = [await newThread(), await newThread()];
    const s = await open();
    await watch(s, watched.id);
    const got = record(s);
    await member.post(`/api/threads/${other.id}/posts`, { body: 'elsewhere' });
    const marker = nextEvent(s, 'post:created');
    const { body } = await member.post(`/api/threads/${watched.id}/posts`, { body: 'here' });
    await marker;
    expect(got.map((g) => g.payload.post?.id)).toEqual([body.post.id]);
    // After unwatching, nothing more arrives.
    await s.timeout(ACK_MS).emitWithAck('thread:unwatch', { threadId: watched.id });
    const probe = await open();
    await watch(probe, watched.id);
    const probed = nextEvent(probe, 'post:created');
    await member.post(`/api/threads/${watched.id}/posts`, { body: 'after unwatch' });
    await probed;
    expect(got).toHaveLength(1);
  });

  test("a held post reaches only moderators and its author, live and on catch-up", async () => {
    const thread = await newThread();
    const newbie = await signedIn(agora.url, agora.stores.users, 'member');
    const mod = await signedIn(agora.url, agora.stores.users, 'moderator');
    const [anon, other, author, moderator] = [await open(), await open(member.cookieHeader()), await open(newbie.cookieHeader()), await open(mod.cookieHeader())];
    for (const s of [anon, other, author, moderator]) await watch(s, thread.id);
    const [ga, go] = [record(anon), record(other)];
    const toAuthor = nextEvent(author, 'post:created');
    const toMod = nextEvent(moderator, 'post:created');
    const res = await newbie.post(`/api/threads/${thread.id}/posts`, { body: 'my first words' });
    expect(res.status).toBe(201);
    expect(res.body.post.status).toBe('held');
    expect((await toAuthor).post).toMatchObject({ id: res.body.post.id, status: 'held', html: '<p>my first words</p>\n' });
    expect((await toMod).post.status).toBe('held');
    // A public post after it proves the others' sockets were live and skipped the held one: a
    // socket's events arrive in order, so once it has the public post it would have had the held one.
    const markers = [anon, other].map((s) => nextEvent(s, 'post:created'));
    await member.post(`/api/threads/${thread.id}/posts`, { body: 'public' });
    await Promise.all(markers);
    expect(ga.map((g) => g.payload.post?.html)).toEqual(['<p>public</p>\n']);
    expect(go.map((g) => g.payload.post?.html)).toEqual(['<p>public</p>\n']);
    // Catch-up from the start: the public does not get the held post, the author does.
    const late = await open();
    const lateAck = await watch(late, thread.id, 1);
    expect(JSON.stringify(lateAck)).not.toContain('my first words');
    const lateAuthor = await open(newbie.cookieHeader());
    expect(JSON.stringify(await watch(lateAuthor, thread.id, 1))).toContain('my first words');
    // And over HTTP: 404 to others, visible to the author.
    expect((await new Client(agora.url).get(`/api/posts/${res.body.post.id}`)).status).toBe(404);
    expect((await newbie.get(`/api/posts/${res.body.post.id}`)).status).toBe(200);
  });

  test('forum watchers hear of new threads', async () => {
    const s = await open();
    expect(await s.timeout(ACK_MS).emitWithAck('forum:watch', { forumId })).toEqual({ ok: true });
    const created = nextEvent(s, 'thread:created');
    const thread = await newThread();
    expect((await created).thread).toMatchObject({ id: thread.id, title: 'Live thread', postCount: 1 });
    const updated = nextEvent(s, 'thread:updated');
    await member.post(`/api/threads/${thread.id}/posts`, { body: 'bump' });
    expect((await updated).thread).toMatchObject({ id: thread.id, postCount: 2 });
  });

  test('bad payloads get a refused ack and the connection stays usable', async () => {
    const s = await open();
    const bad = [null, 42, 'x', {}, { threadId: 7 }, { threadId: 'AAAAAAAAAAAAAAAA' }, { threadId: 'x', since: -1 }, { threadId: 'x', since: 'a' }];
    for (const payload of bad) {
      const ack = (await s.timeout(ACK_MS).emitWithAck('thread:watch', payload as never)) as WatchAck;
      expect(ack.ok).toBe(false);
      expect(['invalid_request', 'not_found']).toContain(ack.error!.code);
    }
    expect(await s.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: false, error: { code: 'forbidden' } });
    const thread = await newThread();
    expect((await watch(s, thread.id)).ok).toBe(true);
  });
});
