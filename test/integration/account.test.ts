import request from 'supertest';
import { startAgora, testPrefix, cleanRedis, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { connectSocket } from '../helpers/sockets.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import { eventually } from '../helpers/eventually.js';

const PASSWORD = 'a fine long password';

describe.each(['memory', 'redis'] as const)('your data on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let forumId: string;
  const prefix = testPrefix();
  beforeAll(async () => {
    agora = await startAgora({ store, prefix, env: { POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    forumId = (await admin.post('/api/forums', { slug: `me-${Date.now()}`, title: 'Me' })).body.forum.id;
  });
  afterAll(async () => {
    await agora.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  /**
   * How many reset and verification links of the account the store holds: on Redis its sets of
   * token hashes, in memory the token maps themselves (they expose no lookup by account).
   */
  async function pendingLinks(userId: string): Promise<number[]> {
    const { resetTokens, verifyTokens } = agora.stores;
    if (store === 'redis') {
      const dump = await dumpRedis(prefix);
      return ['reset', 'verify'].map((tag) => dump.split('\n').filter((l) => l.startsWith(`${prefix}{${tag}}`) && l.includes(userId)).length);
    }
    const held = (s: object) => [...(s as { tokens: Map<string, { userId: string }> }).tokens.values()].filter((t) => t.userId === userId).length;
    return [held(resetTokens), held(verifyTokens)];
  }

  async function activeUser() {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    const t = await c.post(`/api/forums/${forumId}/threads`, { title: `thread of ${c.user!.username}`, body: 'my first post' });
    const reply = await c.post(`/api/threads/${t.body.thread.id}/posts`, { body: 'my reply' });
    const testimonial = await c.post('/api/testimonials', { text: 'Great forum' });
    return { c, threadId: t.body.thread.id as string, postIds: [t.body.post.id, reply.body.post.id] as string[], testimonialId: testimonial.body.testimonial.id as string };
  }

  test('the export holds exactly the caller\'s data and nobody else\'s', async () => {
    const a = await activeUser();
    const b = await activeUser();
    const flag = await a.c.post(`/api/posts/${b.postIds[1]}/flags`, { reason: 'rude' });
    expect(flag.status).toBe(201);
    const res = await a.c.get('/api/me/export');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    const data = res.body;
    expect(data.user).toMatchObject({ id: a.c.user!.id, username: a.c.user!.username, email: `${a.c.user!.username}@example.com`, role: 'member' });
    expect(data.posts.map((p: { id: string }) => p.id).sort()).toEqual([...a.postIds].sort());
    expect(data.posts.find((p: { id: string }) => p.id === a.postIds[1]).source).toBe('my reply');
    expect(data.threads.map((t: { id: string }) => t.id)).toEqual([a.threadId]);
    expect(data.flags).toEqual([expect.objectContaining({ id: flag.body.flag.id, postId: b.postIds[1], reason: 'rude' })]);
    expect(data.testimonials.map((t: { id: string }) => t.id)).toEqual([a.testimonialId]);
    expect(data.referrals).toEqual({ signups: 0 });
    expect(data.sessions).toEqual([{ id: expect.any(String), createdAt: expect.any(String), current: true }]);
    const text = JSON.stringify(data);
    // (A's own flag names B's flagged post by id: that is A's data.)
    for (const foreign of [b.c.user!.username, b.c.user!.id, b.postIds[0]!, b.threadId, b.testimonialId]) expect(text).not.toContain(foreign);
    expect(text).not.toContain('passwordHash');
    expect((await new Client(agora.url).get('/api/me/export')).status).toBe(401);
  });

  test('a new password signs out every other session and its sockets; the current one stays', async () => {
    const main = await signedIn(agora.url, agora.stores.users, 'member');
    const other = new Client(agora.url);
    expect((await other.login(main.user!.username, PASSWORD)).status).toBe(200);
    expect((await main.get('/api/me/sessions')).body.items).toHaveLength(2);
    const s = await connectSocket(agora.url, other.cookieHeader());
    const closed = new Promise((resolve) => s.once('disconnect', resolve));
    const res = await main.patch('/api/me', { currentPassword: PASSWORD, newPassword: 'a brand new password' });
    expect(res.status).toBe(200);
    await closed;
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await main.get('/api/auth/me')).status).toBe(200);
    expect((await new Client(agora.url).login(main.user!.username, 'a brand new password')).status).toBe(200);
  });

  test('an e-mail change needs the current password', async () => {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    const wrong = await c.patch('/api/me', { currentPassword: 'not the password', email: 'new@example.com' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.details.field).toBe('currentPassword');
    expect((await agora.stores.users.get(c.user!.id))?.email).toBe(`${c.user!.username}@example.com`);
    const ok = await c.patch('/api/me', { currentPassword: PASSWORD, email: 'new@example.com' });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe('new@example.com');
    expect((await c.patch('/api/me', { currentPassword: PASSWORD, email: 'a@b@c' })).body.error.details.field).toBe('email');
  });

  test('signing out other sessions leaves only this one', async () => {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    const other = new Client(agora.url);
    await other.login(c.user!.username, PASSWORD);
    expect((await c.del('/api/me/sessions')).body).toEqual({ ended: 1 });
    expect((await other.get('/api/auth/me')).status).toBe(401);
  });

  for (const mode of ['remove', 'anonymize'] as const) {
    test(`deleting the account (${mode} posts) erases the user everywhere and ends sessions and sockets at once`, async () => {
      const a = await activeUser();
      const b = await activeUser();
      await a.c.post(`/api/posts/${b.postIds[0]}/flags`, { reason: 'flag by the leaver' });
      const mod = await signedIn(agora.url, agora.stores.users, 'moderator');
      await mod.post(`/api/posts/${a.postIds[1]}/remove`, { reason: 'moderated before deletion' });
      const second = new Client(agora.url);
      await second.login(a.c.user!.username, PASSWORD);
      const s = await connectSocket(agora.url, second.cookieHeader());
      const closed = new Promise((resolve) => s.once('disconnect', resolve));
      const { username, id } = a.c.user!;
      const email = `${username}@example.com`;
      // What the accounts work added: a bio, a reset link and a verification link still pending.
      const bio = `Leaving bio ${username} quokka`;
      expect((await a.c.patch('/api/me', { bio })).status).toBe(200);
      expect((await new Client(agora.url).post('/api/auth/password-reset', { email })).status).toBe(202);
      expect((await a.c.post('/api/auth/verify-email/resend')).status).toBe(202);
      const links = () => pendingLinks(id);
      expect(await eventually(async () => ((await links()).every((n) => n > 0) ? links() : false), { what: 'both links are issued' })).toEqual([expect.any(Number), expect.any(Number)]);
      if (store === 'redis') expect((await dumpRedis(prefix)).toLowerCase()).toContain(bio.toLowerCase());
      // Starting a thread watched it and writing in it read it: the notification store holds both
      // (on Redis in the member's own {n:<id>} hash tag) until the deletion.
      const threadsOf = () => agora.stores.notifications.memberThreads(id);
      expect(await threadsOf()).toEqual({ subscriptions: new Map([[a.threadId, 'watching']]), readPositions: new Map([[a.threadId, 2]]) });
      if (store === 'redis') for (const part of ['reads', 'subs']) expect(await dumpRedis(prefix)).toContain(`${prefix}{n:${id}}:${part} `);

      expect((await a.c.del('/api/me', { password: 'wrong password!', posts: mode })).status).toBe(403);
      const res = await a.c.del('/api/me', { password: PASSWORD, posts: mode });
      expect(res.status).toBe(204);
      await closed;
      expect((await a.c.get('/api/auth/me')).status).toBe(401);
      expect((await second.get('/api/auth/me')).status).toBe(401);
      expect((await new Client(agora.url).login(username, PASSWORD)).status).toBe(401);

      const first = (await request(agora.url).get(`/api/posts/${a.postIds[0]}`)).body.post;
      if (mode === 'anonymize') expect(first).toMatchObject({ status: 'visible', html: '<p>my first post</p>\n', author: { username: 'former member' } });
      else expect(first).toMatchObject({ status: 'removed', html: null, author: null });
      expect((await mod.get(`/api/posts/${a.postIds[0]}`)).body.post.html).toBe(mode === 'remove' ? null : '<p>my first post</p>\n');
      expect((await request(agora.url).get(`/api/threads/${a.threadId}`)).body.thread.author).toEqual({ id: 'former-member', username: 'former member' });
      // The audit log keeps the moderator's action on the post, without the user's personal data.
      const audit = (await mod.get(`/api/mod/audit?targetId=${a.postIds[1]}`)).body.items;
      expect(audit.map((e: { action: string }) => e.action)).toEqual(['post.remove']);
      expect((await agora.stores.moderation.flagsByMember(id))).toEqual([]);
      expect(await agora.stores.testimonials.byAuthor(id)).toEqual([]);
      expect(await agora.stores.users.get(id)).toBeNull();
      expect(await agora.stores.sessions.listForUser(id)).toEqual([]);
      expect(await pendingLinks(id)).toEqual([0, 0]); // reset and verification links forgotten
      expect(await threadsOf()).toEqual({ subscriptions: new Map(), readPositions: new Map() });
      expect((await request(agora.url).get(`/api/users/${username}`)).status).toBe(404);

      if (store === 'redis') {
        const dump = (await dumpRedis(prefix)).toLowerCase();
        expect(dump).toContain(b.c.user!.username.toLowerCase()); // the scan sees users that still exist
        // The user titled their thread with their own name: kept as written when they chose to keep
        // their posts under the anonymous name, gone when they chose removal.
        // The search index's stored snapshot, once taken again after the deletion dropped it, holds
        // that kept title's words too (it indexes what readers see), but never the member's id.
        const snapshot = (l: string) => l.startsWith(`${prefix}{search}:snapshot `);
        for (const l of dump.split('\n').filter(snapshot)) expect(l).not.toContain(id.toLowerCase());
        const kept = (l: string) => mode === 'anonymize' && (l.startsWith(`${prefix}{t:${a.threadId.toLowerCase()}}:thread `) || snapshot(l));
        expect(dump.split('\n').filter((l) => l.includes(username.toLowerCase()) && !kept(l))).toEqual([]);
        if (mode === 'remove') expect((await request(agora.url).get(`/api/threads/${a.threadId}`)).body.thread.title).toBe('(title removed by its author)');
        expect(dump).not.toContain(email.toLowerCase());
        expect(dump).not.toContain(bio.toLowerCase());
        expect(dump).not.toContain(`:${id.toLowerCase()}`);
        expect(dump).not.toContain(`{n:${id.toLowerCase()}}`); // notifications, subscriptions (subs), read positions (reads)
        // No reset or verification key (the token hashes and the per-account sets) names the member.
        const links = (l: string) => l.startsWith(`${prefix}{reset}`) || l.startsWith(`${prefix}{verify}`);
        expect(dump.split('\n').filter((l) => links(l) && l.includes(id.toLowerCase()))).toEqual([]);
      }
    });
  }

  test('testimonials: only consented and featured ones are public; withdrawal and edits unpublish at once; only admins feature', async () => {
    const { c, testimonialId } = await activeUser();
    const listed = async () => (await request(agora.url).get('/api/testimonials')).body.items.map((t: { id: string }) => t.id);
    expect((await admin.post(`/api/testimonials/${testimonialId}/feature`)).status).toBe(409); // no consent yet
    expect(await listed()).not.toContain(testimonialId);
    const consent = await c.post(`/api/testimonials/${testimonialId}/consent`, { name: 'Ada L.', title: 'Engineer' });
    expect(consent.body.testimonial.consent).toEqual({ name: 'Ada L.', title: 'Engineer', text: 'Great forum', at: expect.any(String) });
    expect(await listed()).not.toContain(testimonialId); // consented, not yet featured
    expect((await c.post(`/api/testimonials/${testimonialId}/feature`)).status).toBe(403);
    expect((await admin.post(`/api/testimonials/${testimonialId}/feature`)).status).toBe(200);
    const pub = (await request(agora.url).get('/api/testimonials')).body.items.find((t: { id: string }) => t.id === testimonialId);
    expect(pub).toEqual({ id: testimonialId, text: 'Great forum', name: 'Ada L.', title: 'Engineer' });
    expect((await c.del(`/api/testimonials/${testimonialId}/consent`)).status).toBe(200);
    expect(await listed()).not.toContain(testimonialId);
    await c.post(`/api/testimonials/${testimonialId}/consent`, { name: 'Ada L.', title: 'Engineer' });
    await admin.post(`/api/testimonials/${testimonialId}/feature`);
    expect(await listed()).toContain(testimonialId);
    const edited = await c.patch(`/api/testimonials/${testimonialId}`, { text: 'Great forum, truly' });
    expect(edited.body.testimonial).toMatchObject({ consent: null, featured: false, published: false });
    expect(await listed()).not.toContain(testimonialId);
    const other = await signedIn(agora.url, agora.stores.users, 'member');
    expect((await other.post(`/api/testimonials/${testimonialId}/consent`, { name: 'X' })).status).toBe(404);
  });
});
