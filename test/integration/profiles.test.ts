// Profiles (API.md, Profiles): what anyone may read about a member, their posts as each caller may
// see them, and the bio, scanned for personal data like a post and edited without the password.
import { startAgora, testPrefix, cleanRedis, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';

const PASSWORD = 'a fine long password';
const CARD = '4111 1111 1111 1111';

interface PostView { id: string; status: string; html: string | null; author: { username: string } | null; createdAt: string }

describe.each(['memory', 'redis'] as const)('profiles on the %s store', (store) => {
  let agora: Running;
  let admin: Client;
  let moderator: Client;
  let forumId: string;
  const prefix = testPrefix();
  beforeAll(async () => {
    agora = await startAgora({ store, prefix, env: { POST_RATE_PER_MINUTE: '1000', HOLD_ACKNOWLEDGED_PII: 'PHONE' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    forumId = (await admin.post('/api/forums', { slug: `profiles-${Date.now()}`, title: 'Profiles' })).body.forum.id;
  });
  afterAll(async () => {
    await agora.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  /** Every post of a member's profile a client sees, page by page (two at a time). */
  async function allPosts(c: Client, username: string): Promise<PostView[]> {
    const out: PostView[] = [];
    let cursor: string | null = null;
    do {
      const res = await c.get(`/api/users/${username}/posts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      out.push(...(res.body.items as PostView[]));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return out;
  }

  /** A member with a visible, a held and a removed post, and a post in a thread a moderator removed. */
  async function busyMember() {
    const author = await signedIn(agora.url, agora.stores.users, 'member');
    const open = await author.post(`/api/forums/${forumId}/threads`, { title: 'Open thread', body: 'opening words' });
    const reply = await author.post(`/api/threads/${open.body.thread.id}/posts`, { body: 'a visible reply' });
    const held = await author.post(`/api/threads/${open.body.thread.id}/posts`, { body: 'ring +1 415 555 0132', acknowledgePii: ['PHONE'] });
    expect(held.body.post.status).toBe('held');
    const removed = await author.post(`/api/threads/${open.body.thread.id}/posts`, { body: 'to be removed' });
    expect((await moderator.post(`/api/posts/${removed.body.post.id}/remove`, { reason: 'spam' })).status).toBe(200);
    const gone = await author.post(`/api/forums/${forumId}/threads`, { title: 'Gone thread', body: 'in a removed thread' });
    expect((await moderator.post(`/api/threads/${gone.body.thread.id}/remove`, { reason: 'off topic' })).status).toBe(200);
    return {
      author,
      username: author.user!.username,
      ids: { first: open.body.post.id as string, reply: reply.body.post.id as string, held: held.body.post.id as string, removed: removed.body.post.id as string, gone: gone.body.post.id as string },
    };
  }

  test('a profile names the member, role, joined date, bio and count of posts everyone sees; never the address', async () => {
    const { author, username } = await busyMember();
    const res = await new Client(agora.url).get(`/api/users/${username.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ profile: { id: author.user!.id, username, role: 'member', createdAt: expect.any(String), bio: '', postCount: 2 } });
    expect(JSON.stringify(res.body)).not.toContain('@example.com');
  });

  test('unknown and deleted members have no profile, no posts and no page (404)', async () => {
    const visitor = new Client(agora.url);
    for (const path of ['/api/users/nobody-here', '/api/users/nobody-here/posts', '/api/users/bad%20name']) {
      const res = await visitor.get(path);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
    }
    expect((await visitor.get('/u/nobody-here')).status).toBe(404);
    const leaving = await signedIn(agora.url, agora.stores.users, 'member');
    const name = leaving.user!.username;
    await leaving.post(`/api/forums/${forumId}/threads`, { title: 'Before I go', body: 'kept anonymously' });
    expect((await visitor.get(`/u/${name}`)).status).toBe(200);
    expect((await leaving.patch('/api/me', { bio: 'soon gone' })).status).toBe(200);
    expect((await leaving.del('/api/me', { password: PASSWORD, posts: 'anonymize' })).status).toBe(204);
    expect((await visitor.get(`/api/users/${name}`)).status).toBe(404);
    expect((await visitor.get(`/api/users/${name}/posts`)).status).toBe(404);
    expect((await visitor.get(`/u/${name}`)).status).toBe(404);
  });

  test('posts, newest first and paged, are what each caller may see', async () => {
    const { author, username, ids } = await busyMember();
    const other = await signedIn(agora.url, agora.stores.users, 'member');
    const byCaller = {
      anonymous: await allPosts(new Client(agora.url), username),
      member: await allPosts(other, username),
      author: await allPosts(author, username),
      moderator: await allPosts(moderator, username),
    };
    const idsOf = (posts: PostView[]) => new Set(posts.map((p) => p.id));
    // A removed post is listed for its author and staff only: to anyone else its tombstone hides who
    // wrote it, so listing it under its author would undo that.
    expect(idsOf(byCaller.anonymous)).toEqual(new Set([ids.first, ids.reply]));
    expect(idsOf(byCaller.member)).toEqual(new Set([ids.first, ids.reply]));
    expect(idsOf(byCaller.author)).toEqual(new Set([ids.first, ids.reply, ids.removed, ids.held]));
    expect(idsOf(byCaller.moderator)).toEqual(new Set(Object.values(ids)));
    for (const posts of Object.values(byCaller)) {
      const times = posts.map((p) => p.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    }
    for (const posts of [byCaller.anonymous, byCaller.member]) expect(posts.filter((p) => p.status !== 'visible')).toEqual([]);
    // Its author sees the tombstone the thread shows them, with the reason; moderators see what was removed.
    expect(byCaller.author.find((p) => p.id === ids.removed)).toMatchObject({ status: 'removed', html: null, removal: { reason: 'spam' } });
    expect(byCaller.moderator.find((p) => p.id === ids.removed)).toMatchObject({ status: 'removed', author: { username } });
    expect(byCaller.moderator.find((p) => p.id === ids.removed)!.html).toContain('to be removed');
  });

  test('a bio is set without the password, refused with its findings until acknowledged, then published masked', async () => {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    const name = c.user!.username;
    const plain = await c.patch('/api/me', { bio: 'I knit and I bake.' });
    expect(plain.status).toBe(200);
    expect(plain.body.user).toMatchObject({ username: name, bio: 'I knit and I bake.' });
    const bio = `Pay me on ${CARD}.`;
    const refused = await c.patch('/api/me', { bio });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('pii_unacknowledged');
    expect(refused.body.error.details.findings).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', start: bio.indexOf(CARD), end: bio.indexOf(CARD) + CARD.length })]);
    expect((await c.get('/api/me')).body.user.bio).toBe('I knit and I bake.');
    const masked = await c.patch('/api/me', { bio, acknowledgePii: ['CREDIT_CARD'] });
    expect(masked.status).toBe(200);
    expect(masked.body.user.bio).not.toContain('4111 1111 1111 1111');
    expect(masked.body.user.bio).toContain('1111.');
    const profile = (await new Client(agora.url).get(`/api/users/${name}`)).body.profile;
    expect(profile.bio).toBe(masked.body.user.bio);
    expect((await c.get('/api/me/export')).body.user.bio).toBe(masked.body.user.bio);
    expect((await c.patch('/api/me', { bio: 'x'.repeat(1001) })).status).toBe(400);
    expect((await c.patch('/api/me', { bio: '' })).body.user.bio).toBe('');
  });

  test('the address and the password still need the current password', async () => {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    const missing = await c.patch('/api/me', { email: 'new-address@example.com', bio: 'hello' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('currentPassword');
    expect((await c.patch('/api/me', { newPassword: 'another long password' })).status).toBe(400);
    expect((await c.patch('/api/me', { currentPassword: 'not the password', email: 'new-address@example.com' })).status).toBe(403);
    expect((await c.get('/api/me')).body.user).toMatchObject({ email: `${c.user!.username}@example.com`, bio: '' });
    const ok = await c.patch('/api/me', { currentPassword: PASSWORD, email: 'new-address@example.com', bio: 'moved' });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email: 'new-address@example.com', bio: 'moved' });
  });

  test('a banned member may empty their bio but not write one', async () => {
    const c = await signedIn(agora.url, agora.stores.users, 'member');
    expect((await c.patch('/api/me', { bio: 'before the ban' })).status).toBe(200);
    expect((await moderator.post(`/api/mod/users/${c.user!.id}/ban`, { reason: 'spam' })).status).toBe(200);
    expect((await c.patch('/api/me', { bio: 'buy my stuff' })).status).toBe(403);
    expect((await c.patch('/api/me', { bio: '' })).status).toBe(200);
  });
});
