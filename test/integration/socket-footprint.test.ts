import { IncomingMessage } from 'node:http';
import { queryObjects } from 'node:v8';
import { Session } from 'express-session';
import { io } from 'socket.io-client';
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import type { WatchAck } from '../../shared/events.js';
import { rooms } from '../../server/realtime/rooms.js';

// What an open socket keeps on the server (issue 20: lighter sockets). Thousands stay open at once,
// so each keeps only what its handlers need: not the handshake's HTTP request (headers, session,
// TCP objects), and of its account only what the policy reads, never the address or password hash.

/** Live HTTP requests and express-session sessions in this process's heap, after a full collection. */
function liveObjects(): { requests: number; sessions: number } {
  // v8.queryObjects (Node 20.13+, 22) is marked experimental: Node prints one ExperimentalWarning.
  return { requests: queryObjects(IncomingMessage) as number, sessions: queryObjects(Session) as number };
}

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

  test('open sockets share one event listener and one handshake record, and keep no handshake request or session', async () => {
    const cookies = await Promise.all(Array.from({ length: 10 }, async () => (await signedIn(agora.url, agora.stores.users, 'member')).cookieHeader()));
    const before = liveObjects();
    const opened = await Promise.all([...cookies.map((c) => open(c)), ...cookies.map(() => open())]);
    const [a, b] = [serverSide(opened[0]!.id!), serverSide(opened[15]!.id!)];
    // No per-socket closures: the one dispatcher (socket.onAny) answers every event of every socket.
    expect(a.listenersAny()).toHaveLength(1);
    expect(a.listenersAny()[0]).toBe(b.listenersAny()[0]);
    expect(a.eventNames()).toEqual(['error']); // socket.io's own (a no-op), and none of Agora's
    expect(a.handshake).toBe(b.handshake);
    // No compression context per connection either.
    expect((agora.agora.realtime()!.io.engine as unknown as { opts: { perMessageDeflate: unknown } }).opts.perMessageDeflate).toBe(false);
    expect((a.conn as unknown as { transport: { socket: { extensions: unknown } } }).transport.socket.extensions).toBe('');
    // engine.io's stand-in response of each WebSocket upgrade lives as long as the connection; it
    // no longer holds the request, nor through it the session read at the handshake. Without the
    // release, each of the 20 sockets keeps one of each.
    const after = liveObjects();
    expect(after.requests - before.requests).toBeLessThan(5);
    expect(after.sessions - before.sessions).toBeLessThan(5);
    expect(opened.every((s) => s.connected)).toBe(true);
  });

  test('a socket that starts on long-polling and upgrades to WebSocket (as browsers do) keeps no upgrade request or session either', async () => {
    const cookies = await Promise.all(Array.from({ length: 10 }, async () => (await signedIn(agora.url, agora.stores.users, 'member')).cookieHeader()));
    const before = liveObjects();
    const upgraded = await Promise.all(cookies.map(async (cookie) => {
      const s: TestSocket = io(agora.url, { transports: ['polling', 'websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: cookie } });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.io.engine?.once('upgrade', () => resolve());
        s.io.once('open', () => s.io.engine.once('upgrade', () => resolve()));
        s.once('connect_error', reject);
      });
      return s;
    }));
    expect(upgraded.every((s) => s.io.engine.transport.name === 'websocket' && s.connected)).toBe(true);
    const after = liveObjects();
    // Without the release, each upgrade keeps its request and its session: 10 of each.
    expect(after.requests - before.requests).toBeLessThan(5);
    expect(after.sessions - before.sessions).toBeLessThan(5);
    // Still signed in as the session says.
    expect(upgraded.every((s) => serverSide(s.id!).data.user !== null)).toBe(true);
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
