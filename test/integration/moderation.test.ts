import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { fakeDateOnly } from '../helpers/fake-date.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';

const SECRET_TEXT = 'leaked-canary-text-93f1';

describe.each(['memory', 'redis'] as const)('moderation on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let member: Client;
  let forumId: string;
  const sockets: TestSocket[] = [];
  const open = async (c?: Client) => {
    const s = await connectSocket(agora.url, c?.cookieHeader());
    sockets.push(s);
    return s;
  };
  const watch = (s: TestSocket, threadId: string, since?: number) =>
    s.timeout(ACK_MS).emitWithAck('thread:watch', since === undefined ? { threadId } : { threadId, since }) as Promise<WatchAck>;

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000', FLAGS_TO_HIDE: '2', FLAG_DAILY_LIMIT: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    member = await signedIn(agora.url, agora.stores.users, 'member');
    forumId = (await admin.post('/api/forums', { slug: `mod-${Date.now()}`, title: 'Mod' })).body.forum.id;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  async function thread(by: Client = member, body = 'opening post') {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body });
    return { threadId: res.body.thread.id as string, postId: res.body.post.id as string };
  }
  async function reply(threadId: string, body: string, by: Client = member) {
    return (await by.post(`/api/threads/${threadId}/posts`, { body })).body.post as { id: string };
  }

  test('a removal reaches anonymous, member and moderator tabs at once; undo restores it everywhere', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, SECRET_TEXT);
    const tabs = [await open(), await open(member), await open(moderator)];
    for (const s of tabs) expect((await watch(s, threadId)).ok).toBe(true);
    const removedEvents = tabs.map((s) => nextEvent(s, 'post:removed'));
    const res = await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'spam' });
    expect(res.status).toBe(200);
    expect(res.body.post).toMatchObject({ status: 'removed', removal: { reason: 'spam', by: { username: moderator.user!.username } } });
    for (const e of await Promise.all(removedEvents)) {
      expect(e).toEqual({ seq: expect.any(Number), postId: post.id, threadId });
    }
    const restoredEvents = tabs.map((s) => nextEvent(s, 'post:restored'));
    expect((await moderator.post(`/api/posts/${post.id}/restore`, {})).status).toBe(200);
    for (const e of await Promise.all(restoredEvents)) expect(e.post).toMatchObject({ id: post.id, status: 'visible', html: `<p>${SECRET_TEXT}</p>\n` });
  });

  test('removed content never leaks to members: not over HTTP, not live, not on catch-up', async () => {
    const { threadId } = await thread();
    // Written by someone else: its author is told why it was removed (test/integration/author-feedback.test.ts).
    const post = await reply(threadId, SECRET_TEXT, await signedIn(agora.url, agora.stores.users, 'member'));
    const live = await open(member);
    await watch(live, threadId);
    const seen: unknown[] = [];
    live.onAny((_e, p) => seen.push(p));
    const before = (await watch(await open(), threadId)).seq!;
    await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'leak' });
    // A later reply acts as a marker that everything before it was delivered.
    const marker = nextEvent(live, 'post:created');
    await reply(threadId, 'after');
    await marker;
    const reads = [
      await member.get(`/api/posts/${post.id}`),
      await member.get(`/api/threads/${threadId}/posts`),
      await request(agora.url).get(`/api/posts/${post.id}`),
      await request(agora.url).get(`/api/threads/${threadId}/posts`),
    ];
    for (const r of reads) expect(r.status).toBe(200);
    expect(reads[0]!.body.post).toEqual(expect.objectContaining({ status: 'removed', html: null, author: null, piiTypes: [] }));
    expect(reads[0]!.body.post.removal).toBeUndefined();
    const catchUp = await watch(await open(member), threadId, before - 1);
    const everything = JSON.stringify([reads.map((r) => r.body), seen, catchUp]);
    expect(everything).not.toContain(SECRET_TEXT);
    expect(everything).not.toContain('leak'); // nor the moderator's reason
    // Moderators still see it, with the removal.
    const modRead = await moderator.get(`/api/posts/${post.id}`);
    expect(modRead.body.post).toMatchObject({ html: `<p>${SECRET_TEXT}</p>\n`, removal: { reason: 'leak' } });
  });

  test('a tab that was offline during a removal drops the post when it reconnects with since', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, 'soon gone');
    const s = await open(member);
    const { seq } = await watch(s, threadId);
    s.disconnect();
    await moderator.post(`/api/posts/${post.id}/remove`, { reason: 'off-topic' });
    const back = await open(member);
    const ack = await watch(back, threadId, seq);
    expect(ack.missed).toEqual([{ event: 'post:removed', payload: { seq: seq! + 1, postId: post.id, threadId } }]);
  });

  test('purge deletes the content for good; the tombstone and the audit entry stay', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, `${SECRET_TEXT} purge me`);
    expect((await moderator.post(`/api/posts/${post.id}/purge`, { reason: 'personal data' })).status).toBe(204);
    const stored = await agora.stores.forum.getPost(post.id);
    expect(stored).toMatchObject({ status: 'removed', source: null, html: null, purged: true });
    const modView = (await moderator.get(`/api/posts/${post.id}`)).body.post;
    expect(modView).toMatchObject({ status: 'removed', html: null, purged: true });
    expect((await moderator.post(`/api/posts/${post.id}/restore`, {})).status).toBe(409);
    const audit = (await moderator.get(`/api/mod/audit?targetId=${post.id}`)).body.items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['post.purge']);
    expect(JSON.stringify(audit)).not.toContain(SECRET_TEXT);
  });

  test('a member has one open flag per post, enough distinct flaggers hide it, and the queue groups flags by post for a moderator to dismiss or approve', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, 'controversial');
    const [f1, f2] = [await signedIn(agora.url, agora.stores.users), await signedIn(agora.url, agora.stores.users)];
    const modSocket = await open(moderator);
    expect(await modSocket.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });
    const queued = nextEvent(modSocket, 'mod:queue');
    const first = await f1.post(`/api/posts/${post.id}/flags`, { reason: 'rude' });
    expect(first.status).toBe(201);
    expect(first.body.flag).toMatchObject({ postId: post.id, reason: 'rude', status: 'open' });
    expect((await queued).kind).toBe('flag');
    expect((await f1.post(`/api/posts/${post.id}/flags`, { reason: 'again' })).status).toBe(409);
    expect((await member.post(`/api/posts/${post.id}/flags`, { reason: 'own' })).status).toBe(403);
    let queue = (await moderator.get('/api/mod/queue')).body.items.filter((i: { post: { id: string } }) => i.post.id === post.id);
    expect(queue).toHaveLength(1);
    expect(queue[0].flags).toHaveLength(1);

    const publicTab = await open();
    await watch(publicTab, threadId);
    const hidden = nextEvent(publicTab, 'post:removed');
    expect((await f2.post(`/api/posts/${post.id}/flags`, { reason: 'spam' })).status).toBe(201);
    expect(await hidden).toMatchObject({ postId: post.id });
    expect((await request(agora.url).get(`/api/posts/${post.id}`)).status).toBe(404);
    queue = (await moderator.get('/api/mod/queue')).body.items.filter((i: { post: { id: string } }) => i.post.id === post.id);
    expect(queue[0]).toMatchObject({ kind: 'held', post: { status: 'held' } });
    expect(queue[0].flags.map((f: { reason: string }) => f.reason)).toEqual(['rude', 'spam']);

    const dismissed = await moderator.post(`/api/mod/flags/${queue[0].flags[0].id}/resolve`, { action: 'dismiss' });
    expect(dismissed.status).toBe(200);
    const back = nextEvent(publicTab, 'post:created');
    expect((await moderator.post(`/api/posts/${post.id}/approve`, {})).body.post.status).toBe('visible');
    expect((await back).post.id).toBe(post.id);
    expect((await moderator.get('/api/mod/queue')).body.items.some((i: { post: { id: string } }) => i.post.id === post.id)).toBe(false);
  });

  test('when a moderator resolves a flag with remove, the post is removed and the flag cannot be resolved again', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, 'bad');
    const flagger = await signedIn(agora.url, agora.stores.users);
    const flag = (await flagger.post(`/api/posts/${post.id}/flags`, { reason: 'bad' })).body.flag;
    expect((await moderator.post(`/api/mod/flags/${flag.id}/resolve`, { action: 'remove' })).status).toBe(200);
    expect((await agora.stores.forum.getPost(post.id))?.status).toBe('removed');
    expect((await moderator.post(`/api/mod/flags/${flag.id}/resolve`, { action: 'dismiss' })).status).toBe(409);
  });

  test("a ban closes the member's sockets and refuses every write until its end, after which they write again", async () => {
    // A ban's end is read with Date: jest moves the date on instead of the test waiting for it
    // (timers stay real, so sockets and requests run as usual).
    fakeDateOnly();
    try {
      const victim = await signedIn(agora.url, agora.stores.users);
      const { threadId, postId } = await thread(victim);
      const s = await open(victim);
      const closed = new Promise((resolve) => s.once('disconnect', resolve));
      const until = new Date(Date.now() + 60_000).toISOString();
      const res = await moderator.post(`/api/mod/users/${victim.user!.id}/ban`, { reason: 'spam', until });
      expect(res.status).toBe(200);
      await closed;
      expect((await victim.post(`/api/threads/${threadId}/posts`, { body: 'still here?' })).status).toBe(403);
      expect((await victim.patch(`/api/posts/${postId}`, { body: 'edit' })).status).toBe(403);
      expect((await victim.post(`/api/posts/${postId}/flags`, { reason: 'x' })).status).toBe(403);
      expect((await victim.post('/api/preview', { body: 'x' })).status).toBe(403);
      expect((await victim.get(`/api/threads/${threadId}/posts`)).status).toBe(200); // reading goes on
      expect((await victim.get('/api/auth/me')).body.user.banned).toBe(true);
      jest.setSystemTime(Date.parse(until) - 1);
      expect((await victim.post(`/api/threads/${threadId}/posts`, { body: 'not yet' })).status).toBe(403);
      jest.setSystemTime(Date.parse(until) + 1);
      expect((await victim.post(`/api/threads/${threadId}/posts`, { body: 'back' })).status).toBe(201);
    } finally {
      jest.useRealTimers();
    }
  });

  test('moderators cannot ban their peers or admins; unban lifts a permanent ban', async () => {
    const peer = await signedIn(agora.url, agora.stores.users, 'moderator');
    expect((await moderator.post(`/api/mod/users/${peer.user!.id}/ban`, { reason: 'x' })).status).toBe(403);
    expect((await moderator.post(`/api/mod/users/${admin.user!.id}/ban`, { reason: 'x' })).status).toBe(403);
    const m = await signedIn(agora.url, agora.stores.users);
    await moderator.post(`/api/mod/users/${m.user!.id}/ban`, { reason: 'forever' });
    expect((await agora.stores.users.get(m.user!.id))?.ban?.until).toBeNull();
    expect((await moderator.post(`/api/mod/users/${m.user!.id}/unban`, {})).status).toBe(200);
    expect((await agora.stores.users.get(m.user!.id))?.ban).toBeNull();
    expect((await moderator.post(`/api/mod/users/${m.user!.id}/ban`, { reason: 'x', until: '2001-01-01T00:00:00Z' })).status).toBe(400);
  });

  test("bulk removal takes every post of a spammer off every open tab", async () => {
    const spammer = await signedIn(agora.url, agora.stores.users);
    const { threadId } = await thread(spammer, 'buy now');
    await reply(threadId, 'buy more', spammer);
    await reply(threadId, 'legit reply');
    const tab = await open();
    await watch(tab, threadId);
    const gone: string[] = [];
    const both = new Promise<void>((resolve) => tab.on('post:removed', (p) => gone.push(p.postId) === 2 && resolve()));
    const res = await moderator.post(`/api/mod/users/${spammer.user!.id}/remove-posts`, { reason: 'spam' });
    expect(res.body).toEqual({ removed: 2 });
    await both;
    const posts = (await request(agora.url).get(`/api/threads/${threadId}/posts`)).body.items;
    expect(posts.map((p: { status: string }) => p.status)).toEqual(['removed', 'removed', 'visible']);
  });

  test('when a moderator locks or unlocks a thread, its watchers hear of it', async () => {
    const { threadId } = await thread();
    const tab = await open();
    await watch(tab, threadId);
    const updated = nextEvent(tab, 'thread:updated');
    expect((await moderator.post(`/api/threads/${threadId}/lock`, {})).body.thread.locked).toBe(true);
    expect((await updated).thread.locked).toBe(true);
    expect((await member.post(`/api/threads/${threadId}/posts`, { body: 'x' })).status).toBe(403);
    expect((await moderator.post(`/api/threads/${threadId}/unlock`, {})).body.thread.locked).toBe(false);
    expect((await member.post(`/api/threads/${threadId}/posts`, { body: 'x' })).status).toBe(201);
  });

  test('every action is in the audit log, newest first, filterable by actor, action and target', async () => {
    const { threadId } = await thread();
    const post = await reply(threadId, 'x');
    const target = await signedIn(agora.url, agora.stores.users);
    const mod2 = await signedIn(agora.url, agora.stores.users, 'moderator');
    await mod2.post(`/api/posts/${post.id}/remove`, { reason: 'r1' });
    await mod2.post(`/api/posts/${post.id}/restore`, { reason: 'r2' });
    await mod2.post(`/api/threads/${threadId}/lock`, {});
    await mod2.post(`/api/threads/${threadId}/unlock`, {});
    await mod2.post(`/api/mod/users/${target.user!.id}/ban`, { reason: 'r3' });
    await mod2.post(`/api/mod/users/${target.user!.id}/unban`, {});
    await mod2.post(`/api/mod/users/${target.user!.id}/remove-posts`, { reason: 'r4' });
    await admin.post(`/api/admin/users/${target.user!.id}/role`, { role: 'moderator' });
    const mine = (await mod2.get(`/api/mod/audit?actor=${mod2.user!.id}`)).body;
    expect(mine.items.map((e: { action: string }) => e.action)).toEqual(['user.remove_posts', 'user.unban', 'user.ban', 'thread.unlock', 'thread.lock', 'post.restore', 'post.remove']);
    expect(mine.items[6]).toEqual({ id: expect.any(String), at: expect.any(String), actor: { id: mod2.user!.id, username: mod2.user!.username }, action: 'post.remove', target: { kind: 'post', id: post.id, thread: { id: threadId, title: 'A thread' } }, reason: 'r1' });
    const bans = (await mod2.get(`/api/mod/audit?action=user.ban&targetId=${target.user!.id}`)).body.items;
    expect(bans).toHaveLength(1);
    const role = (await admin.get(`/api/mod/audit?action=user.role&targetId=${target.user!.id}`)).body.items;
    expect(role[0].reason).toBe('member → moderator');
    const page1 = (await mod2.get(`/api/mod/audit?actor=${mod2.user!.id}&limit=4`)).body;
    const page2 = (await mod2.get(`/api/mod/audit?actor=${mod2.user!.id}&limit=4&cursor=${page1.nextCursor}`)).body;
    expect([...page1.items, ...page2.items].map((e: { id: string }) => e.id)).toEqual(mine.items.map((e: { id: string }) => e.id));
  });
});
