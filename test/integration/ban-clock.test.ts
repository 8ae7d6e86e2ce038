// A ban's end is read by the app's clock (buildAgora's `now`), the same one sessions and limits
// take, not by the wall clock: the test injects a clock that runs apart from the real one and
// moves it, nothing waits.
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn, type Client } from '../helpers/http.js';

const HOUR = 3_600_000;

describe('a ban ends by the injected clock', () => {
  let agora: Running;
  let moderator: Client;
  let admin: Client;
  let forumId: string;
  let clock = Date.now();

  beforeAll(async () => {
    agora = await startAgora({ now: () => clock, env: { POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
    moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    forumId = (await admin.post('/api/forums', { slug: `ban-clock-${Date.now()}`, title: 'Bans' })).body.forum.id;
  });
  afterAll(async () => {
    await agora.close();
  });
  beforeEach(() => {
    clock = Date.now();
  });

  async function memberWithThread(): Promise<{ member: Client; id: string; threadId: string }> {
    const member = await signedIn(agora.url, agora.stores.users);
    const me = (await member.get('/api/auth/me')).body.user as { id: string };
    const res = await member.post(`/api/forums/${forumId}/threads`, { title: 'A thread', body: 'opening post' });
    expect(res.status).toBe(201);
    return { member, id: me.id, threadId: res.body.thread.id };
  }
  const reply = (c: Client, threadId: string, body: string) => c.post(`/api/threads/${threadId}/posts`, { body });

  test('once the injected clock passes the ban\'s end the member writes again, though the wall clock has not reached it', async () => {
    const { member, id, threadId } = await memberWithThread();
    const until = new Date(clock + 10 * 60_000).toISOString();
    expect((await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'spam', until })).status).toBe(200);
    clock = Date.parse(until) - 1;
    expect((await reply(member, threadId, 'not yet')).status).toBe(403);
    clock = Date.parse(until) + 1;
    expect(Date.now()).toBeLessThan(Date.parse(until));
    expect((await member.get('/api/auth/me')).body.user.banned).toBe(false);
    expect((await reply(member, threadId, 'back')).status).toBe(201);
  });

  test('the ban route refuses an end the injected clock has passed, though the wall clock has not', async () => {
    const { id } = await memberWithThread();
    clock = Date.now() + 2 * HOUR;
    const until = new Date(Date.now() + HOUR).toISOString();
    const res = await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'spam', until });
    expect([res.status, res.body.error?.details?.field]).toEqual([400, 'until']);
    expect((await agora.stores.users.get(id))?.ban).toBeNull();
  });

  test('a ban whose end the injected clock has not reached still refuses writes, though the wall clock is past it', async () => {
    const { member, id, threadId } = await memberWithThread();
    // The app's clock runs two hours behind: an end an hour ago by the wall clock is still ahead.
    clock = Date.now() - 2 * HOUR;
    const until = new Date(Date.now() - HOUR).toISOString();
    expect((await moderator.post(`/api/mod/users/${id}/ban`, { reason: 'spam', until })).status).toBe(200);
    expect((await reply(member, threadId, 'still banned')).status).toBe(403);
    expect((await member.get('/api/auth/me')).body.user.banned).toBe(true);
    clock = Date.parse(until) + 1;
    expect((await reply(member, threadId, 'over now')).status).toBe(201);
  });
});
