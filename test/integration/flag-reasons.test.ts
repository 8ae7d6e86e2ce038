import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';

const PASSWORD = 'a fine long password'; // signedIn's
const DISMISSED = 'dismissed-reason-canary-a41c';
const ACTED_ON = 'removal-reason-canary-77b0';
const OPEN = 'open-reason-canary-c93e';

interface QueueEvent { kind: string; item: { postId?: string; post?: { id: string }; flags?: { reason: string; by: { username: string } }[] } }

describe.each(['memory', 'redis'] as const)("a deleted member's flag reasons on the %s store", (store) => {
  let agora: Running;
  let moderator: Client;
  let forumId: string;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000', FLAG_DAILY_LIMIT: '1000' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `fr-${Date.now()}`, title: 'Flags' })).body.forum.id;
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  test('leave the review queue (live), the audit log and the removals; the entries stay, their reason attributed to a former member', async () => {
    const author = await signedIn(agora.url, agora.stores.users);
    const created = await author.post(`/api/forums/${forumId}/threads`, { title: 'Flag me', body: 'one' });
    const threadId = created.body.thread.id as string;
    const posts = [created.body.post.id as string];
    for (const body of ['two', 'three']) posts.push((await author.post(`/api/threads/${threadId}/posts`, { body })).body.post.id);
    const [dismissedId, removedId, openId] = posts as [string, string, string];

    const leaver = await signedIn(agora.url, agora.stores.users);
    const stayer = await signedIn(agora.url, agora.stores.users);
    const flag = async (c: Client, postId: string, reason: string) => {
      const res = await c.post(`/api/posts/${postId}/flags`, { reason });
      expect(res.status).toBe(201);
      return res.body.flag.id as string;
    };
    expect((await moderator.post(`/api/mod/flags/${await flag(leaver, dismissedId, DISMISSED)}/resolve`, { action: 'dismiss' })).status).toBe(200);
    expect((await moderator.post(`/api/mod/flags/${await flag(leaver, removedId, ACTED_ON)}/resolve`, { action: 'remove' })).status).toBe(200);
    await flag(leaver, openId, OPEN);
    await flag(stayer, openId, 'the stayer keeps this reason');
    const modView = async () => JSON.stringify([
      (await moderator.get('/api/mod/queue?limit=100')).body,
      (await moderator.get('/api/mod/audit?limit=100')).body,
      (await moderator.get(`/api/threads/${threadId}/posts`)).body,
    ]);
    const before = await modView();
    for (const canary of [DISMISSED, ACTED_ON, OPEN]) expect(before).toContain(canary); // the reasons were there to lose
    const quoted = (await moderator.get(`/api/mod/audit?targetId=${dismissedId}`)).body.items[0];
    expect(quoted).toMatchObject({ action: 'flag.dismiss', reason: DISMISSED, reasonBy: { id: leaver.user!.id, username: leaver.user!.username } });

    const dashboard = await connectSocket(agora.url, moderator.cookieHeader());
    sockets.push(dashboard);
    expect(await dashboard.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });
    const openItemLive = new Promise<QueueEvent>((resolve) =>
      dashboard.on('mod:queue', (e) => (e as QueueEvent).item.post?.id === openId && resolve(e as QueueEvent)));

    expect((await leaver.del('/api/me', { password: PASSWORD, posts: 'anonymize' })).status).toBe(204);

    // Live: the open post's queue entry now holds the other member's flag only.
    const live = await openItemLive;
    expect(live.item.flags!.map((f) => f.reason)).toEqual(['the stayer keeps this reason']);
    const after = await modView();
    for (const canary of [DISMISSED, ACTED_ON, OPEN]) expect(after).not.toContain(canary);
    expect(after).toContain('the stayer keeps this reason');

    const FORMER = { id: 'former-member', username: 'former member' };
    const entry = async (postId: string) => (await moderator.get(`/api/mod/audit?targetId=${postId}`)).body.items;
    expect(await entry(dismissedId)).toEqual([expect.objectContaining({ action: 'flag.dismiss', reason: '', reasonBy: FORMER, actor: { id: moderator.user!.id, username: moderator.user!.username } })]);
    expect(await entry(removedId)).toEqual([expect.objectContaining({ action: 'post.remove', reason: '', reasonBy: FORMER })]);
    const removed = (await moderator.get(`/api/posts/${removedId}`)).body.post;
    expect(removed).toMatchObject({ status: 'removed', removal: { reason: '', by: { id: moderator.user!.id } } });

    if (store === 'redis') {
      const dump = await dumpRedis(agora.config.keyPrefix);
      expect(dump).toContain('the stayer keeps this reason'); // the scan sees flag reasons that remain
      for (const canary of [DISMISSED, ACTED_ON, OPEN]) expect(dump).not.toContain(canary);
      expect(dump).not.toContain(leaver.user!.id);
    }
  });
});
