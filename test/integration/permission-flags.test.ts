// The permission flags in the server's answers (`user.can`, `forum.can`, `thread.can`) say what the
// policy would allow, so the web app shows a control exactly when its request would succeed.
import { startAgora, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';

let agora: Running;
let admin: Client;
let moderator: Client;
let member: Client;
let other: Client;

beforeAll(async () => {
  agora = await startAgora();
  admin = await signedIn(agora.url, agora.stores.users, 'admin');
  moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
  member = await signedIn(agora.url, agora.stores.users, 'member');
  other = await signedIn(agora.url, agora.stores.users, 'member');
});
afterAll(() => agora.close());

const me = async (c: Client) => (await c.get('/api/auth/me')).body.user as { id: string; can: unknown };
const threadCan = async (c: Client, id: string) => (await c.get(`/api/threads/${id}`)).body.thread.can as unknown;
const forumCan = async (c: Client, id: string) => (await c.get(`/api/forums/${id}`)).body.forum.can as unknown;

async function newForumAndThread() {
  const forum = (await admin.post('/api/forums', { slug: `flags-${Date.now().toString(36)}`, title: 'Flags' })).body.forum as { id: string };
  const res = await member.post(`/api/forums/${forum.id}/threads`, { title: 'A thread', body: 'the opening post' });
  expect(res.status).toBe(201);
  return { forumId: forum.id, threadId: res.body.thread.id as string };
}

test("the signed-in user's own answer says whether they may moderate and administer", async () => {
  expect((await me(member)).can).toEqual({ moderate: false, administer: false });
  expect((await me(moderator)).can).toEqual({ moderate: true, administer: false });
  expect((await me(admin)).can).toEqual({ moderate: true, administer: true });
});

test('a banned moderator may no longer moderate, and may again once unbanned', async () => {
  const banned = await signedIn(agora.url, agora.stores.users, 'moderator');
  const { id } = await me(banned);
  expect((await admin.post(`/api/mod/users/${id}/ban`, { reason: 'testing' })).status).toBe(200);
  expect((await me(banned)).can).toEqual({ moderate: false, administer: false });
  expect((await admin.post(`/api/mod/users/${id}/unban`)).status).toBe(200);
  expect((await me(banned)).can).toEqual({ moderate: true, administer: false });
});

test('a thread says who may reply, edit and flag there; a lock stops members only', async () => {
  const { threadId } = await newForumAndThread();
  expect(await threadCan(new Client(agora.url), threadId)).toEqual({ reply: false, editOwn: false, editOthers: false, flag: false });
  expect(await threadCan(member, threadId)).toEqual({ reply: true, editOwn: true, editOthers: false, flag: true });
  expect(await threadCan(moderator, threadId)).toEqual({ reply: true, editOwn: true, editOthers: true, flag: true });

  expect((await moderator.post(`/api/threads/${threadId}/lock`)).status).toBe(200);
  expect(await threadCan(member, threadId)).toEqual({ reply: false, editOwn: false, editOthers: false, flag: true });
  expect(await threadCan(moderator, threadId)).toEqual({ reply: true, editOwn: true, editOthers: true, flag: true });
  // The flags agree with what the requests get.
  expect((await member.post(`/api/threads/${threadId}/posts`, { body: 'locked out' })).status).toBe(403);
  expect((await moderator.post(`/api/threads/${threadId}/posts`, { body: 'staff may' })).status).toBe(201);
});

test('a banned member may not write anywhere: no reply, edit, flag or new thread', async () => {
  const { forumId, threadId } = await newForumAndThread();
  const banned = await signedIn(agora.url, agora.stores.users, 'member');
  const { id } = await me(banned);
  expect(await forumCan(banned, forumId)).toEqual({ post: true });
  expect((await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'testing' })).status).toBe(200);
  expect(await threadCan(banned, threadId)).toEqual({ reply: false, editOwn: false, editOthers: false, flag: false });
  expect(await forumCan(banned, forumId)).toEqual({ post: false });
  expect(await threadCan(other, threadId)).toEqual({ reply: true, editOwn: true, editOthers: false, flag: true });
});

test('an archived forum is read-only for everyone, staff too', async () => {
  const { forumId, threadId } = await newForumAndThread();
  expect(await forumCan(new Client(agora.url), forumId)).toEqual({ post: false });
  expect(await forumCan(member, forumId)).toEqual({ post: true });
  expect((await admin.patch(`/api/forums/${forumId}`, { archived: true })).status).toBe(200);
  expect(await forumCan(admin, forumId)).toEqual({ post: false });
  expect((await threadCan(admin, threadId) as { reply: boolean }).reply).toBe(false);
  expect((await threadCan(member, threadId) as { reply: boolean }).reply).toBe(false);
});
