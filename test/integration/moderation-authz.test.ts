import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket } from '../helpers/sockets.js';
import { newId, newToken } from '../../server/store/ids.js';
import { uniqueName } from '../helpers/http.js';

type Who = 'anonymous' | 'member' | 'banned' | 'banned moderator' | 'moderator' | 'admin';
const WHO: Who[] = ['anonymous', 'member', 'banned', 'banned moderator', 'moderator', 'admin'];

interface Fixture { forumId: string; threadId: string; postId: string; removedPostId: string; heldPostId: string; flagId: string; userId: string; removedThreadId: string }

interface Route {
  name: string;
  call(c: Client, f: Fixture): ReturnType<Client['post']>;
  /** The status each caller gets (API.md). */
  expect: Record<Who, number>;
}

const MOD_ONLY = (ok: number): Record<Who, number> => ({ anonymous: 401, member: 403, banned: 403, 'banned moderator': 403, moderator: ok, admin: ok });

const ROUTES: Route[] = [
  { name: 'POST /api/posts/:id/remove', call: (c, f) => c.post(`/api/posts/${f.postId}/remove`, { reason: 'r' }), expect: MOD_ONLY(200) },
  { name: 'POST /api/posts/:id/restore', call: (c, f) => c.post(`/api/posts/${f.removedPostId}/restore`, {}), expect: MOD_ONLY(200) },
  { name: 'POST /api/posts/:id/purge', call: (c, f) => c.post(`/api/posts/${f.postId}/purge`, { reason: 'r' }), expect: MOD_ONLY(204) },
  { name: 'POST /api/posts/:id/approve', call: (c, f) => c.post(`/api/posts/${f.heldPostId}/approve`, {}), expect: MOD_ONLY(200) },
  { name: 'GET /api/mod/queue', call: (c) => c.get('/api/mod/queue'), expect: MOD_ONLY(200) },
  { name: 'POST /api/mod/flags/:id/resolve', call: (c, f) => c.post(`/api/mod/flags/${f.flagId}/resolve`, { action: 'dismiss' }), expect: MOD_ONLY(200) },
  { name: 'POST /api/mod/users/:id/ban', call: (c, f) => c.post(`/api/mod/users/${f.userId}/ban`, { reason: 'r' }), expect: MOD_ONLY(200) },
  { name: 'POST /api/mod/users/:id/unban', call: (c, f) => c.post(`/api/mod/users/${f.userId}/unban`, {}), expect: MOD_ONLY(200) },
  { name: 'POST /api/mod/users/:id/remove-posts', call: (c, f) => c.post(`/api/mod/users/${f.userId}/remove-posts`, { reason: 'r' }), expect: MOD_ONLY(200) },
  { name: 'POST /api/threads/:id/lock', call: (c, f) => c.post(`/api/threads/${f.threadId}/lock`, {}), expect: MOD_ONLY(200) },
  { name: 'POST /api/threads/:id/unlock', call: (c, f) => c.post(`/api/threads/${f.threadId}/unlock`, {}), expect: MOD_ONLY(200) },
  { name: 'POST /api/threads/:id/remove', call: (c, f) => c.post(`/api/threads/${f.threadId}/remove`, { reason: 'r' }), expect: MOD_ONLY(200) },
  { name: 'POST /api/threads/:id/restore', call: (c, f) => c.post(`/api/threads/${f.removedThreadId}/restore`, {}), expect: MOD_ONLY(200) },
  { name: 'POST /api/threads/:id/purge', call: (c, f) => c.post(`/api/threads/${f.threadId}/purge`, { reason: 'r' }), expect: MOD_ONLY(204) },
  { name: 'GET /api/mod/audit', call: (c) => c.get('/api/mod/audit'), expect: MOD_ONLY(200) },
  {
    name: 'POST /api/admin/users/:id/role', call: (c, f) => c.post(`/api/admin/users/${f.userId}/role`, { role: 'member' }),
    expect: { anonymous: 401, member: 403, banned: 403, 'banned moderator': 403, moderator: 403, admin: 200 },
  },
  {
    name: 'GET /api/admin/users', call: (c) => c.get('/api/admin/users?query=a'),
    expect: { anonymous: 401, member: 403, banned: 403, 'banned moderator': 403, moderator: 403, admin: 200 },
  },
  {
    name: 'PATCH /api/forums/:id', call: (c, f) => c.patch(`/api/forums/${f.forumId}`, { description: 'checked by the matrix' }),
    expect: { anonymous: 401, member: 403, banned: 403, 'banned moderator': 403, moderator: 403, admin: 200 },
  },
  {
    name: 'POST /api/posts/:id/flags', call: (c, f) => c.post(`/api/posts/${f.postId}/flags`, { reason: 'r' }),
    expect: { anonymous: 401, member: 201, banned: 403, 'banned moderator': 403, moderator: 201, admin: 201 },
  },
];

describe.each(['memory', 'redis'] as const)('the authorization matrix on the %s store', (store) => {
  let agora: Running;
  let forumId: string;
  let author: Client;
  let moderator: Client;
  let flagger: Client;
  const callers = {} as Record<Who, Client>;

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '10000', FLAG_DAILY_LIMIT: '10000', FLAGS_TO_HIDE: '1000', HOLD_ACKNOWLEDGED_PII: 'EMAIL' } });
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `authz-${Date.now()}`, title: 'Authz' })).body.forum.id;
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    author = await signedIn(agora.url, agora.stores.users, 'member');
    flagger = await signedIn(agora.url, agora.stores.users, 'member');
    callers.anonymous = new Client(agora.url);
    callers.member = await signedIn(agora.url, agora.stores.users, 'member');
    callers.banned = await signedIn(agora.url, agora.stores.users, 'member');
    callers.moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    callers.admin = admin;
    await moderator.post(`/api/mod/users/${callers.banned.user!.id}/ban`, { reason: 'matrix' });
    callers['banned moderator'] = await signedIn(agora.url, agora.stores.users, 'moderator');
    expect((await admin.post(`/api/mod/users/${callers['banned moderator'].user!.id}/ban`, { reason: 'matrix' })).status).toBe(200);
  });
  afterAll(() => agora.close());

  /**
   * A fresh member to act on, made straight in the store: it never signs in, so it needs no real
   * password hash (hashing one per call made this suite spend most of its time in scrypt).
   */
  async function memberInStore(): Promise<string> {
    const id = newId();
    const username = uniqueName('tgt');
    const created = await agora.stores.users.create({
      id, username, email: `${username}@example.com`, passwordHash: 'scrypt$16384$8$1$never$signs-in', role: 'member',
      createdAt: new Date().toISOString(), referralCode: newToken(8), referredBy: null, ban: null,
    });
    expect(created).toBe(true);
    return id;
  }

  /** Fresh targets: an allowed call can succeed on them, and a refused one must leave them as they were. */
  async function fixture(): Promise<Fixture> {
    const t = await author.post(`/api/forums/${forumId}/threads`, { title: 'fixture', body: 'first' });
    const threadId = t.body.thread.id;
    const removed = (await author.post(`/api/threads/${threadId}/posts`, { body: 'to be removed' })).body.post.id;
    await moderator.post(`/api/posts/${removed}/remove`, { reason: 'setup' });
    // Held by the acknowledged-personal-data rule: a fresh held post without a fresh account.
    const held = (await author.post(`/api/threads/${threadId}/posts`, { body: 'held: write to someone@example.com', acknowledgePii: ['EMAIL'] })).body.post;
    expect(held.status).toBe('held');
    const flagId = (await flagger.post(`/api/posts/${t.body.post.id}/flags`, { reason: 'setup' })).body.flag.id;
    const target = await memberInStore();
    const other = (await author.post(`/api/forums/${forumId}/threads`, { title: 'removed fixture', body: 'x' })).body.thread.id;
    expect((await moderator.post(`/api/threads/${other}/remove`, { reason: 'setup' })).status).toBe(200);
    return { forumId, threadId, postId: t.body.post.id, removedPostId: removed, heldPostId: held.id, flagId, userId: target, removedThreadId: other };
  }

  // A refused call must change nothing, so the callers refused one route share its fixture (and a
  // wrongful success shows in its own test's state check); an allowed call gets fresh targets.
  const refusedFixtures = new Map<string, Promise<Fixture>>();
  const fixtureFor = (route: Route, who: Who): Promise<Fixture> => {
    if (route.expect[who] < 400) return fixture();
    if (!refusedFixtures.has(route.name)) refusedFixtures.set(route.name, fixture());
    return refusedFixtures.get(route.name)!;
  };

  for (const route of ROUTES) {
    test.each(WHO)(`${route.name} as %s answers as API.md says`, async (who) => {
      const f = await fixtureFor(route, who);
      const state = async () => JSON.stringify([
        await agora.stores.forum.getPost(f.postId), await agora.stores.forum.getThread(f.threadId), await agora.stores.forum.getThread(f.removedThreadId),
        await agora.stores.forum.getForum(f.forumId),
      ]);
      const before = await state();
      const res = await route.call(callers[who], f);
      expect({ who, status: res.status }).toEqual({ who, status: route.expect[who] });
      if (res.status >= 400) {
        expect(res.body.error.code).toBe(res.status === 401 ? 'unauthenticated' : 'forbidden');
        expect(await state()).toBe(before);
      }
    });
  }

  test.each(WHO)('the mod:watch socket event as %s', async (who) => {
    const s = await connectSocket(agora.url, who === 'anonymous' ? undefined : callers[who].cookieHeader());
    try {
      const ack = await s.timeout(ACK_MS).emitWithAck('mod:watch');
      expect(ack).toEqual(who === 'moderator' || who === 'admin' ? { ok: true } : { ok: false, error: { code: 'forbidden' } });
    } finally {
      s.disconnect();
    }
  });
});
