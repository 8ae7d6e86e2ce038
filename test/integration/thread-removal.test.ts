import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';

const TITLE = 'Thread-title-canary-5c1a';
const BODY = 'first-body-canary-8e02';
const REPLY = 'reply-body-canary-31fd';

describe.each(['memory', 'redis'] as const)('thread removal on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let author: Client;
  let other: Client;
  let forumId: string;
  const sockets: TestSocket[] = [];
  const open = async (c?: Client) => {
    const s = await connectSocket(agora.url, c?.cookieHeader());
    sockets.push(s);
    return s;
  };
  const watch = (s: TestSocket, threadId: string, since?: number) =>
    s.timeout(ACK_MS).emitWithAck('thread:watch', since === undefined ? { threadId } : { threadId, since }) as Promise<WatchAck>;
  const watchForum = (s: TestSocket) => s.timeout(ACK_MS).emitWithAck('forum:watch', { forumId });

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000', FLAG_DAILY_LIMIT: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `tr-${Date.now()}`, title: 'Removal' })).body.forum.id;
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    author = await signedIn(agora.url, agora.stores.users, 'member');
    other = await signedIn(agora.url, agora.stores.users, 'member');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  /** A thread by `author` with a reply by `other`; every text carries a canary (and the thread id, to tell threads apart). */
  async function thread() {
    const created = await author.post(`/api/forums/${forumId}/threads`, { title: TITLE, body: BODY });
    expect(created.status).toBe(201);
    const threadId = created.body.thread.id as string;
    const replyId = (await other.post(`/api/threads/${threadId}/posts`, { body: REPLY })).body.post.id as string;
    return { threadId, firstId: created.body.post.id as string, replyId };
  }

  const listed = async (c: Client | null) => {
    const res = await (c ? c.get(`/api/forums/${forumId}/threads?limit=100`) : request(agora.url).get(`/api/forums/${forumId}/threads?limit=100`));
    expect(res.status).toBe(200);
    return res.body.items as { id: string; title: string; removal?: { reason: string } }[];
  };

  test('a removed thread answers 404 to its author, other members and visitors on every route, and is in no list; moderators still see it, marked', async () => {
    const { threadId, firstId, replyId } = await thread();
    const res = await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'doxxing' });
    expect(res.status).toBe(200);
    expect(res.body.thread).toMatchObject({ id: threadId, title: TITLE, removal: { by: { id: moderator.user!.id, username: moderator.user!.username }, reason: 'doxxing', at: expect.any(String) } });

    const anonymous = new Client(agora.url);
    for (const [who, c] of [['author', author], ['member', other], ['anonymous', anonymous]] as const) {
      const answers = {
        thread: (await c.get(`/api/threads/${threadId}`)).status,
        posts: (await c.get(`/api/threads/${threadId}/posts`)).status,
        first: (await c.get(`/api/posts/${firstId}`)).status,
        reply: (await c.get(`/api/posts/${replyId}`)).status,
        source: (await c.get(`/api/posts/${firstId}/source`)).status,
        replying: (await c.post(`/api/threads/${threadId}/posts`, { body: 'still there?' })).status,
        editing: (await c.patch(`/api/posts/${firstId}`, { body: 'edited' })).status,
        flagging: (await c.post(`/api/posts/${replyId}/flags`, { reason: 'x' })).status,
      };
      const notThere = c === anonymous
        ? { thread: 404, posts: 404, first: 404, reply: 404, source: 401, replying: 401, editing: 401, flagging: 401 }
        : { thread: 404, posts: 404, first: 404, reply: 404, source: 404, replying: 404, editing: 404, flagging: 404 };
      expect({ who, answers }).toEqual({ who, answers: notThere });
      const s = await open(c === anonymous ? undefined : c);
      expect({ who, ack: await watch(s, threadId) }).toEqual({ who, ack: { ok: false, error: { code: 'not_found' } } });
      expect({ who, ack: await watch(s, threadId, 0) }).toEqual({ who, ack: { ok: false, error: { code: 'not_found' } } });
      const list = await listed(c === anonymous ? null : c);
      expect(list.map((t) => t.id)).not.toContain(threadId);
    }
    // Nothing was written by the refused calls.
    expect((await agora.stores.forum.listPosts(threadId, 0, 10)).map((p) => p.id)).toEqual([firstId, replyId]);
    expect(await agora.stores.moderation.flagsOfPost(replyId)).toEqual([]);

    // Moderators: the thread, its posts and its place in the list, with the removal.
    expect((await moderator.get(`/api/threads/${threadId}`)).body.thread.removal.reason).toBe('doxxing');
    expect((await moderator.get(`/api/threads/${threadId}/posts`)).body.items.map((p: { html: string }) => p.html)).toEqual([`<p>${BODY}</p>\n`, `<p>${REPLY}</p>\n`]);
    expect((await moderator.get(`/api/posts/${replyId}`)).status).toBe(200);
    expect((await listed(moderator)).find((t) => t.id === threadId)).toMatchObject({ title: TITLE, removal: { reason: 'doxxing' } });
    expect((await watch(await open(moderator), threadId)).ok).toBe(true);
    // A removed thread takes no replies, moderators' included: they restore it first.
    expect((await moderator.post(`/api/threads/${threadId}/posts`, { body: 'mod reply' })).status).toBe(409);
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'again' })).status).toBe(409);

    const audit = (await moderator.get(`/api/mod/audit?targetId=${threadId}`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ action: 'thread.remove', target: { kind: 'thread', id: threadId, title: TITLE }, reason: 'doxxing', actor: { id: moderator.user!.id, username: moderator.user!.username } })]);
    expect((await moderator.get('/api/mod/audit?action=thread.remove')).body.items.map((e: { target: { id: string } }) => e.target.id)).toContain(threadId);

    // Restored: back for everyone, and open to replies again.
    const restored = await moderator.post(`/api/threads/${threadId}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body.thread.removal).toBeUndefined();
    expect((await request(agora.url).get(`/api/threads/${threadId}`)).body.thread.title).toBe(TITLE);
    expect((await listed(null)).map((t) => t.id)).toContain(threadId);
    expect((await other.post(`/api/threads/${threadId}/posts`, { body: 'welcome back' })).status).toBe(201);
    expect((await moderator.post(`/api/threads/${threadId}/restore`, {})).status).toBe(409);
    expect((await moderator.get(`/api/mod/audit?targetId=${threadId}`)).body.items.map((e: { action: string }) => e.action)).toEqual(['thread.restore', 'thread.remove']);
  });

  test('thread:removed reaches thread and forum watchers live with ids only; afterwards only moderators hear of the thread; a restore announces it again', async () => {
    const { threadId, firstId } = await thread();
    const visitor = await open();
    const member = await open(other);
    const mod = await open(moderator);
    for (const s of [visitor, mod]) expect((await watch(s, threadId)).ok).toBe(true);
    for (const s of [member, mod]) expect(await watchForum(s)).toEqual({ ok: true });
    expect((await watch(member, threadId)).ok).toBe(true); // in both rooms: the event still comes once
    const heard: { socket: string; event: string; payload: unknown }[] = [];
    for (const [name, s] of [['visitor', visitor], ['member', member]] as const) s.onAny((event, payload) => heard.push({ socket: name, event, payload }));

    const removed = [visitor, member, mod].map((s) => nextEvent(s, 'thread:removed'));
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'leaked address' })).status).toBe(200);
    for (const e of await Promise.all(removed)) expect(e).toEqual({ threadId, forumId });

    // A moderator's edit of a post and a lock reach the moderators' tab only.
    const modEdit = nextEvent(mod, 'post:updated');
    expect((await moderator.patch(`/api/posts/${firstId}`, { body: `${BODY} redacted by a moderator` })).status).toBe(200);
    expect((await modEdit).post.html).toContain('redacted by a moderator');
    const modLock = nextEvent(mod, 'thread:updated');
    await moderator.post(`/api/threads/${threadId}/lock`, {});
    expect((await modLock).thread).toMatchObject({ id: threadId, locked: true, removal: { reason: 'leaked address' } });

    // The restore is news to forum watchers; by the time it arrives everything before it has too.
    const back = nextEvent(member, 'thread:created');
    const backOnPage = nextEvent(visitor, 'thread:updated');
    expect((await moderator.post(`/api/threads/${threadId}/restore`, { reason: 'address gone' })).status).toBe(200);
    expect((await back).thread).toMatchObject({ id: threadId, title: TITLE, locked: true });
    expect((await back).thread.removal).toBeUndefined();
    await backOnPage;
    const beforeRestore = heard.filter((h) => !(h.event === 'thread:created' || h.event === 'thread:updated'));
    expect(beforeRestore).toEqual([
      { socket: 'visitor', event: 'thread:removed', payload: { threadId, forumId } },
      { socket: 'member', event: 'thread:removed', payload: { threadId, forumId } },
    ]);
    expect(JSON.stringify(beforeRestore)).not.toMatch(/redacted|leaked address|canary/);
  });

  test('a banned moderator reads a removed thread as a member does: not there', async () => {
    const { threadId, firstId } = await thread();
    const banned = await signedIn(agora.url, agora.stores.users, 'moderator');
    expect((await admin.post(`/api/mod/users/${banned.user!.id}/ban`, { reason: 'abuse of powers' })).status).toBe(200);
    expect((await moderator.post(`/api/threads/${threadId}/remove`, { reason: 'spam' })).status).toBe(200);
    expect((await banned.get(`/api/threads/${threadId}`)).status).toBe(404);
    expect((await banned.get(`/api/posts/${firstId}`)).status).toBe(404);
    expect((await listed(banned)).map((t) => t.id)).not.toContain(threadId);
    expect((await banned.post(`/api/threads/${threadId}/restore`, {})).status).toBe(403);
    expect(await watch(await open(banned), threadId)).toEqual({ ok: false, error: { code: 'not_found' } });
  });

  test('purge erases the title and every post for good, in the store too; the audit entry stays and a restore answers 409', async () => {
    const { threadId, firstId, replyId } = await thread();
    const flagger = await signedIn(agora.url, agora.stores.users);
    expect((await flagger.post(`/api/posts/${replyId}/flags`, { reason: 'personal data' })).status).toBe(201);
    expect(await agora.stores.moderation.inQueue(replyId)).toBe(true);
    const forumTab = await open(other);
    await watchForum(forumTab);
    const removed = nextEvent(forumTab, 'thread:removed');
    // Straight from visible to purged: watchers hear of the removal all the same.
    expect((await moderator.post(`/api/threads/${threadId}/purge`, { reason: 'personal data' })).status).toBe(204);
    expect(await removed).toEqual({ threadId, forumId });

    expect((await request(agora.url).get(`/api/threads/${threadId}`)).status).toBe(404);
    const modView = (await moderator.get(`/api/threads/${threadId}`)).body.thread;
    expect(modView).toMatchObject({ title: '', purged: true, postCount: 0, removal: { reason: 'personal data' } });
    const posts = (await moderator.get(`/api/threads/${threadId}/posts`)).body.items;
    expect(posts.map((p: { id: string; status: string; html: string | null; purged: boolean }) => [p.id, p.status, p.html, p.purged])).toEqual([
      [firstId, 'removed', null, true], [replyId, 'removed', null, true],
    ]);
    expect(await agora.stores.moderation.inQueue(replyId)).toBe(false);
    expect((await moderator.post(`/api/threads/${threadId}/restore`, {})).status).toBe(409);
    expect((await moderator.post(`/api/posts/${firstId}/restore`, {})).status).toBe(409);
    const audit = (await moderator.get(`/api/mod/audit?targetId=${threadId}`)).body.items;
    expect(audit).toEqual([expect.objectContaining({ action: 'thread.purge', target: { kind: 'thread', id: threadId, title: null }, reason: 'personal data' })]);

    const stored = JSON.stringify([await agora.stores.forum.getThread(threadId), await agora.stores.forum.listPosts(threadId, 0, 10)]);
    for (const canary of [TITLE, BODY, REPLY]) expect(stored).not.toContain(canary);
    if (store === 'redis') {
      const dump = await dumpRedis(agora.config.keyPrefix);
      expect(dump).toContain(threadId); // the scan does see this thread's keys
      // Other tests' threads carry the same canaries: only this thread's keys are checked.
      const mine = dump.split('\n').filter((l) => l.includes(`{t:${threadId}}`));
      expect(mine.length).toBeGreaterThan(3);
      for (const canary of [TITLE, BODY, REPLY]) expect(mine.filter((l) => l.includes(canary))).toEqual([]);
    }
  });
});
