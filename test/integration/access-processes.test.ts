// Access follows the account at once, across two real server processes on one Redis: a change
// made through process A reaches the member's requests and open sockets on process B. (A ban is
// moderation-processes.test.ts's.)
import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import type { Stores } from '../../server/store/index.js';

const PASSWORD = 'a fine long password'; // signedIn's

/**
 * The API promises two seconds for a change to reach every socket on every process; a test on a
 * busy machine cannot time that, so it awaits the disconnect with a generous bound (the change
 * is sent through the Redis adapter while the request is handled; no timer of the product is involved).
 */
const closedSoon = (s: TestSocket) =>
  new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was still open ten seconds later')), 10_000);
    s.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

/** A round trip: a disconnect the server had sent would arrive before this answer. */
const stillOpen = async (s: TestSocket) => {
  const ack = await s.timeout(ACK_MS).emitWithAck('forum:watch', { forumId: 'none' });
  return s.connected && ack.error?.code === 'not_found';
};

describe('access follows the account across two processes on one Redis', () => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let stores: Stores;
  const sockets: TestSocket[] = [];
  const socketOn = async (p: AgoraProcess, c: Client) => {
    const s = await connectSocket(p.url, c.cookieHeader());
    sockets.push(s);
    return s;
  };
  /** Another session of the same member, signed in through `p`. */
  const secondSession = async (p: AgoraProcess, first: Client) => {
    const c = new Client(p.url);
    expect((await c.login(first.user!.username, PASSWORD)).status).toBe(200);
    return c;
  };

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, POST_RATE_PER_MINUTE: '1000' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    stores = await makeStores('redis', prefix);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all([a?.stop(), b?.stop()]);
    await stores?.close();
    await cleanRedis(prefix);
  });

  test("logging out through A closes that session's sockets on B; the member's other session stays connected", async () => {
    const tab = await signedIn(a.url, stores.users, 'member');
    const phone = await secondSession(a, tab);
    const tabSocket = await socketOn(b, tab);
    const phoneSocket = await socketOn(b, phone);
    const closed = closedSoon(tabSocket);
    expect((await tab.post('/api/auth/logout')).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect(await stillOpen(phoneSocket)).toBe(true);
    expect((await phone.get('/api/auth/me')).status).toBe(200);
  });

  test('a moderator demoted through A: the next staff request on B answers 403, their socket on B closes, and no more mod:queue reaches them', async () => {
    const admin = await signedIn(a.url, stores.users, 'admin');
    const demoted = await signedIn(b.url, stores.users, 'moderator');
    const colleague = await signedIn(b.url, stores.users, 'moderator');
    expect((await demoted.get('/api/mod/queue')).status).toBe(200); // B now holds the account in its cache
    const old = await socketOn(b, demoted);
    expect(await old.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });

    const closed = closedSoon(old);
    expect((await admin.post(`/api/admin/users/${demoted.user!.id}/role`, { role: 'member' })).status).toBe(200);
    const staff = await demoted.get('/api/mod/queue');
    expect(staff.status).toBe(403);
    expect(staff.body.error.code).toBe('forbidden');
    expect(await closed).toBe('io server disconnect');

    // Back with the same session, as the web app reconnects: the moderators' room is closed to it.
    const again = await socketOn(b, demoted);
    expect(await again.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: false, error: { code: 'forbidden' } });
    const watching = await socketOn(b, colleague);
    expect(await watching.timeout(ACK_MS).emitWithAck('mod:watch')).toEqual({ ok: true });
    const toDemoted: unknown[] = [];
    again.on('mod:queue', (e) => toDemoted.push(e));
    const toColleague = new Promise((resolve) => watching.once('mod:queue', resolve));

    // A flag changes the queue: the colleague hears of it, the demoted member does not.
    const author = await signedIn(a.url, stores.users, 'member');
    const forumId = (await admin.post('/api/forums', { slug: `demote${Date.now()}`, title: 'Demote' })).body.forum.id;
    const postId = (await author.post(`/api/forums/${forumId}/threads`, { title: 'Flag me', body: 'please flag' })).body.post.id;
    expect((await admin.post(`/api/posts/${postId}/flags`, { reason: 'spam' })).status).toBe(201);
    await toColleague;
    expect(await stillOpen(again)).toBe(true); // the queue event, had it been sent, arrived before this
    expect(toDemoted).toEqual([]);
  });

  test("a new password set through A closes the member's other sessions' sockets on B; this session's stays", async () => {
    const here = await signedIn(a.url, stores.users, 'member');
    const elsewhere = await secondSession(b, here);
    const hereSocket = await socketOn(b, here);
    const elsewhereSocket = await socketOn(b, elsewhere);
    const closed = closedSoon(elsewhereSocket);
    expect((await here.patch('/api/me', { currentPassword: PASSWORD, newPassword: 'another fine long password' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(await stillOpen(hereSocket)).toBe(true);
    expect((await elsewhere.get('/api/auth/me')).status).toBe(401);
  });

  test('deleting the account through A closes every socket of it on B', async () => {
    const member = await signedIn(a.url, stores.users, 'member');
    const other = await secondSession(b, member);
    const both = [await socketOn(b, member), await socketOn(b, other)];
    const closed = both.map(closedSoon);
    expect((await member.del('/api/me', { password: PASSWORD, posts: 'anonymize' })).status).toBe(204);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await other.get('/api/auth/me')).status).toBe(401);
  });
});
