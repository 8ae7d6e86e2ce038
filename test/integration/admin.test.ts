import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { newId, newToken } from '../../server/store/ids.js';
import type { Role, UserRecord } from '../../server/store/users.js';

// The admin pages' API (API.md, Moderation: GET /api/admin/users, PATCH /api/forums/:forumId).

describe.each(['memory', 'redis'] as const)('admin on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let member: Client;
  const tag = `t${newToken(6).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase()}`;

  /** An account made straight in the store (no password to hash: it never signs in). */
  async function account(name: string, role: Role = 'member', ban: UserRecord['ban'] = null) {
    const u: UserRecord = {
      id: newId(), username: `${name}_${tag}`, email: 'x@example.com', passwordHash: 'scrypt$1$1$1$a$b', role,
      createdAt: new Date().toISOString(), referralCode: newToken(8), referredBy: null, ban,
    };
    expect(await agora.stores.users.create(u)).toBe(true);
    return u;
  }
  const names = (res: { body: { items: { username: string }[] } }) => res.body.items.map((u) => u.username.replace(`_${tag}`, ''));

  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    member = await signedIn(agora.url, agora.stores.users, 'member');
    const hour = 3_600_000;
    await account('Anna');
    await account('bert', 'moderator');
    await account('Celia', 'member', { reason: 'spam', by: 'x', at: new Date().toISOString(), until: null });
    await account('dora', 'member', { reason: 'old', by: 'x', at: new Date().toISOString(), until: new Date(Date.now() - hour).toISOString() });
    await account('Emil', 'admin');
  });
  afterAll(async () => {
    await agora.close();
  });

  describe('GET /api/admin/users', () => {
    test('is for admins only', async () => {
      expect((await new Client(agora.url).get('/api/admin/users')).status).toBe(401);
      expect((await member.get('/api/admin/users')).status).toBe(403);
      expect((await moderator.get('/api/admin/users')).status).toBe(403);
      expect((await admin.get('/api/admin/users')).status).toBe(200);
    });

    test('finds a part of a name in any case, in name order', async () => {
      const res = await admin.get(`/api/admin/users?query=${tag.toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(names(res)).toEqual(['Anna', 'bert', 'Celia', 'dora', 'Emil']);
      expect(names(await admin.get(`/api/admin/users?query=ert_${tag}`))).toEqual(['bert']);
      expect(res.body.items[0]).toEqual({
        id: expect.any(String), username: `Anna_${tag}`, role: 'member', createdAt: expect.any(String), banned: false, postCount: 0,
      });
    });

    test('filters by role and by ban (an ended ban is no ban)', async () => {
      expect(names(await admin.get(`/api/admin/users?query=${tag}&role=moderator`))).toEqual(['bert']);
      expect(names(await admin.get(`/api/admin/users?query=${tag}&role=admin`))).toEqual(['Emil']);
      expect(names(await admin.get(`/api/admin/users?query=${tag}&banned=true`))).toEqual(['Celia']);
      expect(names(await admin.get(`/api/admin/users?query=${tag}&banned=false&role=member`))).toEqual(['Anna', 'dora']);
      expect(names(await admin.get(`/api/admin/users?query=${tag}&role=`))).toHaveLength(5);
    });

    test('pages with the cursor it answers', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await admin.get(`/api/admin/users?query=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...names(res));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['Anna', 'bert', 'Celia', 'dora', 'Emil']);
    });

    test('counts posts, and refuses filters it does not know', async () => {
      const forumId = (await admin.post('/api/forums', { slug: `count-${tag}`, title: 'Count' })).body.forum.id;
      expect((await member.post(`/api/forums/${forumId}/threads`, { title: 'Hi', body: 'hello' })).status).toBe(201);
      const res = await admin.get(`/api/admin/users?query=${member.user!.username}`);
      expect(res.body.items).toEqual([expect.objectContaining({ id: member.user!.id, postCount: 1 })]);
      for (const q of ['role=owner', 'banned=maybe', `query=${'x'.repeat(40)}`, 'cursor=nonsense']) {
        expect((await admin.get(`/api/admin/users?${q}`)).status).toBe(400);
      }
    });
  });

  describe('PATCH /api/forums/:forumId', () => {
    const newForum = async (title: string) => (await admin.post('/api/forums', { slug: `f-${newToken(6).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase()}`, title })).body.forum as { id: string };
    const order = async (ids: string[]) => ((await member.get('/api/forums')).body.items as { id: string }[]).map((f) => f.id).filter((id) => ids.includes(id));

    test('is for admins only, and checks what it is given', async () => {
      const f = await newForum('Checked');
      expect((await new Client(agora.url).patch(`/api/forums/${f.id}`, { title: 'x' })).status).toBe(401);
      expect((await member.patch(`/api/forums/${f.id}`, { title: 'x' })).status).toBe(403);
      expect((await moderator.patch(`/api/forums/${f.id}`, { title: 'x' })).status).toBe(403);
      for (const body of [{}, { title: '  ' }, { title: 'x'.repeat(101) }, { position: -1 }, { position: 1.5 }, { archived: 'yes' }, { description: 'x'.repeat(501) }]) {
        expect((await admin.patch(`/api/forums/${f.id}`, body)).status).toBe(400);
      }
      expect((await admin.patch(`/api/forums/${newId()}`, { title: 'x' })).status).toBe(404);
      expect((await member.get(`/api/forums/${f.id}`)).body.forum.title).toBe('Checked');
    });

    test('creating a forum is for admins only and is audited with its short name and title in words', async () => {
      const slug = `made-${newToken(6).replace(/[^A-Za-z0-9]/g, 'x').toLowerCase()}`;
      for (const who of [member, moderator]) expect((await who.post('/api/forums', { slug, title: 'Made here' })).status).toBe(403);
      const made = await admin.post('/api/forums', { slug, title: 'Made here', description: 'New' });
      expect(made.status).toBe(201);
      const id = made.body.forum.id as string;
      expect((await admin.post('/api/forums', { slug, title: 'Again' })).status).toBe(409);
      const audit = await moderator.get(`/api/mod/audit?action=forum.create&targetId=${id}`);
      expect(audit.body.items).toEqual([expect.objectContaining({
        action: 'forum.create', actor: { id: admin.user!.id, username: admin.user!.username },
        target: { kind: 'forum', id, title: 'Made here' }, reason: `short name "${slug}", title "Made here"`,
      })]);
    });

    test('renames and describes a forum, and the audit says so in words', async () => {
      const f = await newForum('Old name');
      const res = await admin.patch(`/api/forums/${f.id}`, { title: 'New name', description: 'About things' });
      expect(res.status).toBe(200);
      expect(res.body.forum).toMatchObject({ id: f.id, title: 'New name', description: 'About things', archived: false });
      expect((await member.get(`/api/forums/${f.id}`)).body.forum.title).toBe('New name');
      const audit = await moderator.get(`/api/mod/audit?action=forum.update&targetId=${f.id}`);
      expect(audit.body.items).toEqual([expect.objectContaining({
        action: 'forum.update', actor: { id: admin.user!.id, username: admin.user!.username },
        target: { kind: 'forum', id: f.id, title: 'New name' }, reason: 'title "Old name" → "New name"; description changed',
      })]);
    });

    test('a new forum goes last; position moves a forum to that place and the list follows', async () => {
      const [a, b, c] = [await newForum('A'), await newForum('B'), await newForum('C')];
      const ids = [a.id, b.id, c.id];
      expect(await order(ids)).toEqual(ids);
      const moved = await admin.patch(`/api/forums/${c.id}`, { position: 0 });
      expect(moved.body.forum.position).toBe(0);
      expect(await order(ids)).toEqual([c.id, a.id, b.id]);
      const all = (await member.get('/api/forums')).body.items as { id: string; position: number }[];
      expect(all.map((f) => f.position)).toEqual(all.map((_f, i) => i));
      await admin.patch(`/api/forums/${c.id}`, { position: 10_000 });
      expect(await order(ids)).toEqual([a.id, b.id, c.id]);
      const audit = await moderator.get(`/api/mod/audit?action=forum.update&targetId=${c.id}`);
      expect(audit.body.items.map((e: { reason: string }) => e.reason)).toEqual([`moved to place ${all.length}`, 'moved to place 1']);
    });

    test('an archived forum is read-only: new threads, replies and edits answer 403, reading works, unarchiving reopens it', async () => {
      const f = await newForum('Archive me');
      const started = (await member.post(`/api/forums/${f.id}/threads`, { title: 'Before', body: 'first' })).body;
      const thread = started.thread as { id: string };
      const postId = started.post.id as string;
      const archived = await admin.patch(`/api/forums/${f.id}`, { archived: true });
      expect(archived.body.forum.archived).toBe(true);
      const why = 'This forum is archived: it is read-only.';
      for (const who of [member, moderator, admin]) {
        const start = await who.post(`/api/forums/${f.id}/threads`, { title: 'After', body: 'second' });
        expect([start.status, start.body.error.message]).toEqual([403, why]);
        const reply = await who.post(`/api/threads/${thread.id}/posts`, { body: 'a reply' });
        expect([reply.status, reply.body.error.message]).toEqual([403, why]);
        // The author, and staff who may edit anyone's post, alike.
        const edit = await who.patch(`/api/posts/${postId}`, { body: 'edited after archiving' });
        expect([edit.status, edit.body.error.message]).toEqual([403, why]);
      }
      // The thread page shows no Edit that would fail: its flags come from the same rule.
      expect((await member.get(`/api/threads/${thread.id}`)).body.thread.can).toMatchObject({ reply: false, editOwn: false });
      expect((await moderator.get(`/api/threads/${thread.id}`)).body.thread.can).toMatchObject({ editOwn: false, editOthers: false });
      expect((await member.get(`/api/forums/${f.id}`)).body.forum.archived).toBe(true);
      expect((await member.get(`/api/forums/${f.id}/threads`)).body.items.map((t: { id: string }) => t.id)).toEqual([thread.id]);
      expect((await member.get(`/api/threads/${thread.id}/posts`)).body.items.map((p: { html: string }) => p.html.trim())).toEqual(['<p>first</p>']); // not edited
      const audit = await moderator.get(`/api/mod/audit?action=forum.update&targetId=${f.id}`);
      expect(audit.body.items[0].reason).toBe('archived');

      await admin.patch(`/api/forums/${f.id}`, { archived: false });
      expect((await member.post(`/api/threads/${thread.id}/posts`, { body: 'a reply' })).status).toBe(201);
      expect((await member.patch(`/api/posts/${postId}`, { body: 'edited once reopened' })).status).toBe(200);
      expect((await member.post(`/api/forums/${f.id}/threads`, { title: 'After', body: 'second' })).status).toBe(201);
      expect((await moderator.get(`/api/mod/audit?action=forum.update&targetId=${f.id}`)).body.items[0].reason).toBe('unarchived');
    });
  });
});
