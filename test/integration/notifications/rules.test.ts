import { cleanRedis, startAgora, testPrefix, type Running } from '../../helpers/agora.js';
import { eventually } from '../../helpers/eventually.js';
import { signedIn, type Client } from '../../helpers/http.js';
import { connectSocket, nextEvent, type TestSocket } from '../../helpers/sockets.js';
import { notificationAnswers, type Notification } from '../../../shared/schemas/notifications.js';
import { exportDataSchema } from '../../../shared/schemas/account.js';

// Who a post notifies, and when (API.md, Notifications): mentions, replies to one's thread,
// watched threads, muting, held posts, edits; live to every tab on every process; withdrawn with
// the post. On memory (one instance) and on Redis (two instances sharing it).

describe.each(['memory', 'redis'] as const)('notifications on the %s store', (store) => {
  const prefix = testPrefix();
  let a: Running;
  let b: Running;
  let forumId: string;
  let moderator: Client;
  const sockets: TestSocket[] = [];
  const env = { POST_RATE_PER_MINUTE: '1000', HOLD_ACKNOWLEDGED_PII: 'PHONE' };

  beforeAll(async () => {
    a = await startAgora({ store, prefix: store === 'redis' ? prefix : undefined, env });
    b = store === 'redis' ? await startAgora({ store, prefix, env }) : a;
    const admin = await signedIn(a.url, a.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `nr-${Date.now()}`, title: 'Notify' })).body.forum.id;
    moderator = await signedIn(b.url, a.stores.users, 'moderator');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    for (const r of new Set([a, b])) await r?.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  const member = (on: Running = a) => signedIn(on.url, a.stores.users, 'member');
  const tab = async (c: Client, on: Running) => {
    const s = await connectSocket(on.url, c.cookieHeader());
    sockets.push(s);
    return s;
  };
  async function thread(by: Client, body = 'the opening post') {
    const res = await by.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body });
    expect(res.status).toBe(201);
    return { threadId: res.body.thread.id as string, postId: res.body.post.id as string };
  }
  async function reply(by: Client, threadId: string, body: string, extra: Record<string, unknown> = {}) {
    const res = await by.post(`/api/threads/${threadId}/posts`, { body, ...extra });
    expect(res.status).toBe(201);
    return res.body.post as { id: string; seq: number; status: string };
  }
  const page = async (c: Client, query = '') => notificationAnswers.page.parse((await c.get(`/api/notifications${query}`)).body);
  /** The member's notifications once `n` have arrived (fan-out is a job: awaited with a bound). */
  const arrived = (c: Client, n: number) => eventually(async () => {
    const p = await page(c);
    return p.items.length >= n ? p : false;
  }, { what: `${n} notifications for ${c.user!.username}` });
  const kindsFor = (p: { items: Notification[] }, postId: string) => p.items.filter((n) => n.post.id === postId).map((n) => n.kind);

  test('a reply notifies the thread\'s starter (reply), its watchers (watched) and whoever it mentions (mention), never its author, each once', async () => {
    const starter = await member();
    const watcher = await member(b);
    const mentioned = await member();
    const writer = await member(b);
    const { threadId } = await thread(starter);
    expect((await watcher.put(`/api/threads/${threadId}/subscription`, { level: 'watching' })).body).toEqual({ level: 'watching' });
    const post = await reply(writer, threadId, `hello @${mentioned.user!.username} and @${starter.user!.username}, not @nobody_by_that_name, and @${writer.user!.username}`);
    const [s, w, m] = [await arrived(starter, 1), await arrived(watcher, 1), await arrived(mentioned, 1)];
    expect(kindsFor(s, post.id)).toEqual(['mention']);
    expect(kindsFor(w, post.id)).toEqual(['watched']);
    expect(kindsFor(m, post.id)).toEqual(['mention']);
    expect(w.items[0]).toMatchObject({ read: false, actor: { id: writer.user!.id, username: writer.user!.username }, post: { id: post.id, threadId }, thread: { id: threadId, title: 'A thread' } });
    const plain = await reply(writer, threadId, 'no mentions here');
    expect(kindsFor(await arrived(starter, 2), plain.id)).toEqual(['reply']);
    expect((await page(writer)).items).toEqual([]);
  });

  test('a muted thread notifies nobody who muted it, mentions included; normal means mentions only', async () => {
    const starter = await member();
    const writer = await member();
    // Mentioned beside the starter: once they have theirs, the post's fan-out has run.
    const witness = await member();
    const { threadId } = await thread(starter);
    expect((await starter.put(`/api/threads/${threadId}/subscription`, { level: 'muted' })).status).toBe(200);
    await reply(writer, threadId, `@${starter.user!.username} are you there? @${witness.user!.username}`);
    await arrived(witness, 1);
    expect((await starter.put(`/api/threads/${threadId}/subscription`, { level: 'normal' })).status).toBe(200);
    await reply(writer, threadId, `a reply the starter is not told of, @${witness.user!.username}`);
    await arrived(witness, 2);
    const last = await reply(writer, threadId, `@${starter.user!.username} now?`);
    const p = await arrived(starter, 1);
    expect(p.items.map((n) => [n.post.id, n.kind])).toEqual([[last.id, 'mention']]);
  });

  test('a held post notifies only once approved; an edit notifies only the members it newly mentions', async () => {
    const starter = await member();
    const first = await member();
    const second = await member();
    const writer = await member();
    const { threadId } = await thread(starter);
    const held = await reply(writer, threadId, `call +44 20 7946 0958, @${first.user!.username}`, { acknowledgePii: ['PHONE'] });
    expect(held.status).toBe('held');
    const approved = nextEvent(await tab(first, b), 'notification:new');
    expect((await moderator.post(`/api/posts/${held.id}/approve`, {})).status).toBe(200);
    expect((await approved).notification).toMatchObject({ kind: 'mention', post: { id: held.id } });
    const edited = await writer.patch(`/api/posts/${held.id}`, { body: `call +44 20 7946 0958, @${first.user!.username} and @${second.user!.username}`, acknowledgePii: ['PHONE'] });
    expect(edited.status).toBe(200);
    expect(kindsFor(await arrived(second, 1), held.id)).toEqual(['mention']);
    expect(kindsFor(await page(first), held.id)).toEqual(['mention']);
  });

  test('every open tab of the member hears of a new notification on every process, and of marking read', async () => {
    const starter = await member();
    const writer = await member(b);
    const { threadId } = await thread(starter);
    const tabs = [await tab(starter, a), await tab(starter, b)];
    const news = tabs.map((s) => nextEvent(s, 'notification:new'));
    const post = await reply(writer, threadId, 'a live reply');
    for (const e of await Promise.all(news)) expect(e.notification).toMatchObject({ kind: 'reply', post: { id: post.id } });
    const id = (await news[0]!).notification.id;
    const read = tabs.map((s) => nextEvent(s, 'notification:read'));
    expect((await starter.post('/api/notifications/read', { ids: [id] })).body).toEqual({ unreadCount: 0 });
    for (const e of await Promise.all(read)) expect(e).toEqual({ ids: [id], unreadCount: 0 });
    expect((await page(starter, '?unread=1')).items).toEqual([]);
    expect((await page(starter)).items[0]).toMatchObject({ id, read: true });
  });

  test('removing, purging or removing the thread of a post withdraws its notifications live, everywhere', async () => {
    const starter = await member();
    const writer = await member(b);
    const { threadId } = await thread(starter);
    const s = await tab(starter, a);
    const posts = [await reply(writer, threadId, 'one'), await reply(writer, threadId, 'two'), await reply(writer, threadId, 'three')];
    const p = await arrived(starter, 3);
    const idOf = (postId: string) => p.items.find((n) => n.post.id === postId)!.id;
    let gone = nextEvent(s, 'notification:withdrawn');
    expect((await moderator.post(`/api/posts/${posts[0]!.id}/remove`, { reason: 'spam' })).status).toBe(200);
    expect(await gone).toEqual({ id: idOf(posts[0]!.id) });
    gone = nextEvent(s, 'notification:withdrawn');
    expect((await moderator.post(`/api/posts/${posts[1]!.id}/purge`, { reason: 'spam' })).status).toBe(204);
    expect(await gone).toEqual({ id: idOf(posts[1]!.id) });
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'doxxing' })).status).toBe(200);
    const after = await page(starter);
    expect(after.items).toEqual([]);
    expect(after.unreadCount).toBe(0);
  });

  test('thread lists count each member\'s unread posts; reading a thread moves them on and reads its notifications', async () => {
    const starter = await member();
    const writer = await member(b);
    const { threadId } = await thread(starter);
    const unreadOf = async (c: Client) => ((await c.get(`/api/forums/${forumId}/threads?limit=100`)).body.items as { id: string; unreadCount?: number }[]).find((t) => t.id === threadId)!.unreadCount;
    expect(await unreadOf(starter)).toBe(0);
    const [r1, r2] = [await reply(writer, threadId, 'r1'), await reply(writer, threadId, 'r2')];
    expect(await unreadOf(starter)).toBe(2);
    expect((await starter.get(`/api/threads/${threadId}`)).body.thread).toMatchObject({ subscription: 'watching', lastReadSeq: 1 });
    await arrived(starter, 2);
    expect((await starter.post(`/api/threads/${threadId}/read`, { seq: r1.seq })).status).toBe(204);
    expect(await unreadOf(starter)).toBe(1);
    expect((await page(starter, '?unread=1')).items.map((n) => n.post.id)).toEqual([r2.id]);
    // A position never moves back.
    expect((await starter.post(`/api/threads/${threadId}/read`, { seq: 1 })).status).toBe(204);
    expect((await starter.get(`/api/threads/${threadId}`)).body.thread.lastReadSeq).toBe(r1.seq);
    expect((await starter.post('/api/notifications/read', { all: true })).body).toEqual({ unreadCount: 0 });
  });

  test('the data export holds the member\'s notifications and e-mail preferences, and deletion leaves none', async () => {
    const starter = await member();
    const writer = await member(b);
    const { threadId } = await thread(starter);
    const post = await reply(writer, threadId, 'for the export');
    await arrived(starter, 1);
    expect((await starter.patch('/api/me/preferences', { digest: 'weekly' })).status).toBe(200);
    const exported = exportDataSchema.parse((await starter.get('/api/me/export')).body);
    expect(exported.notifications).toEqual({
      preferences: { emailOnMention: true, emailOnWatched: false, digest: 'weekly' },
      items: [{ id: expect.any(String), kind: 'reply', at: expect.any(String), read: false, actorId: writer.user!.id, postId: post.id, threadId }],
      // (notifications/export.test.ts covers these.)
      subscriptions: [{ threadId, title: 'A thread', level: 'watching' }],
      readPositions: [{ threadId, title: 'A thread', lastReadSeq: 1 }],
    });
    const id = starter.user!.id;
    expect((await starter.del('/api/me', { password: 'a fine long password', posts: 'anonymize' })).status).toBe(204);
    expect(await a.stores.notifications.unreadCount(id)).toBe(0);
    expect(await a.stores.notifications.digestMembers('weekly')).not.toContain(id);
  });

  test('bad requests answer in the error shape: signed out 401, unknown thread 404, bad bodies 400', async () => {
    const c = await member();
    const anonymous = new (c.constructor as new (url: string) => Client)(a.url);
    expect((await anonymous.get('/api/notifications')).status).toBe(401);
    expect((await c.put('/api/threads/nope-nope-nope/subscription', { level: 'watching' })).status).toBe(404);
    const { threadId } = await thread(c);
    for (const body of [{ level: 'loud' }, {}, { level: 'watching', extra: 1 }]) expect((await c.put(`/api/threads/${threadId}/subscription`, body)).status).toBe(400);
    for (const body of [{}, { ids: [] }, { all: false }, { ids: 'x' }]) expect((await c.post('/api/notifications/read', body)).status).toBe(400);
    for (const body of [{}, { seq: -1 }, { seq: 'x' }]) expect((await c.post(`/api/threads/${threadId}/read`, body)).status).toBe(400);
    expect((await c.get('/api/notifications?unread=2')).status).toBe(400);
  });
});
