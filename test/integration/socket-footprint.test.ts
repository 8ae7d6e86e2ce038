import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';
import { rooms } from '../../server/realtime/rooms.js';

// What an open socket keeps on the server (issue 20: lighter sockets). Thousands stay open at once,
// so each keeps only what its handlers need: not the handshake's HTTP request (headers, session,
// TCP objects), and of its account only what the policy reads, never the address or password hash.

describe('what an open socket keeps on the server', () => {
  let agora: Running;
  const sockets: TestSocket[] = [];
  const open = async (cookie?: string) => {
    const s = await connectSocket(agora.url, cookie);
    sockets.push(s);
    return s;
  };
  /** The server's side of the socket with this id. */
  const serverSide = (id: string) => {
    const s = agora.agora.realtime()!.io.of('/').sockets.get(id);
    if (!s) throw new Error(`no server socket ${id}`);
    return s;
  };

  beforeAll(async () => {
    agora = await startAgora();
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
  });

  test('a signed-in socket keeps its account as id, role and ban only, and lets go of the handshake request', async () => {
    const member = await signedIn(agora.url, agora.stores.users, 'member');
    const me = (await member.get('/api/auth/me')).body.user as { id: string };
    const s = await open(member.cookieHeader());
    const server = serverSide(s.id!);
    expect(server.data.user).toMatchObject({ id: me.id, role: 'member', ban: null });
    expect(Object.keys(server.data.user!).sort()).toEqual(expect.arrayContaining(['ban', 'id', 'role']));
    for (const key of Object.keys(server.data.user!)) expect(['id', 'role', 'ban', 'emailVerified', 'now']).toContain(key);
    expect(JSON.stringify(server.data.user)).not.toMatch(/@example|scrypt|\$/);
    expect((server.conn as unknown as { request: unknown }).request).toBeNull();
    // Nor the handshake's headers, where the session cookie travelled.
    expect(server.handshake.headers).toEqual({});
  });

  test('with that, the socket still works: it watches a thread, and a ban still closes it', async () => {
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: `footprint-${Date.now()}`, title: 'Footprint' })).body.forum.id as string;
    const threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Open', body: 'Watch me.' })).body.thread.id as string;
    const member = await signedIn(agora.url, agora.stores.users, 'member');
    const me = (await member.get('/api/auth/me')).body.user as { id: string };
    const s = await open(member.cookieHeader());
    const ack = (await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId })) as WatchAck;
    expect(ack).toMatchObject({ ok: true });
    const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    expect((await admin.post(`/api/mod/users/${me.id}/ban`, { reason: 'spam' })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
  });

  test('an anonymous socket lets go of the handshake request too, and joins no session room (nothing ends it by session)', async () => {
    const s = await open();
    const server = serverSide(s.id!);
    expect(server.data.user).toBeNull();
    expect(server.data.sessionId).toBeNull();
    expect([...server.rooms]).toEqual([server.id]);
    expect((server.conn as unknown as { request: unknown }).request).toBeNull();
  });

  test('a signed-in socket is in its user and session rooms, so a sign-out closes it', async () => {
    const member = await signedIn(agora.url, agora.stores.users, 'member');
    const me = (await member.get('/api/auth/me')).body.user as { id: string };
    const s = await open(member.cookieHeader());
    const server = serverSide(s.id!);
    expect([...server.rooms].sort()).toEqual([server.id, rooms.session(server.data.sessionId!), rooms.user(me.id)].sort());
    const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
    expect((await member.post('/api/auth/logout', {})).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
  });
});
