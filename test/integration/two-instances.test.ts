import { cleanRedis, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client } from '../helpers/http.js';
import { connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';

describe('two Agora processes on one Redis', () => {
  const prefix = testPrefix();
  let a: Running;
  let b: Running;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    a = await startAgora({ store: 'redis', prefix });
    b = await startAgora({ store: 'redis', prefix });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await a.close();
    await b.close();
    await cleanRedis(prefix);
  });

  test('a session made on one is valid on the other', async () => {
    const onA = new Client(a.url);
    const { username } = await onA.register();
    const onB = new Client(b.url);
    const cookie = onA.cookieHeader();
    const me = await onB.agent.get('/api/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(username);
  });

  test('an event emitted to a room on one reaches a socket connected to the other', async () => {
    const user = new Client(a.url);
    const { user: u } = await user.register();
    // The socket signs in on B with the session made on A, and so joins its user room there.
    const s = await connectSocket(b.url, user.cookieHeader());
    sockets.push(s);
    // Rooms are joined asynchronously across the adapter; wait until B reports the socket in the room.
    await eventually(async () => expect(await a.agora.realtime()!.io.in(`user:${u.id}`).fetchSockets()).toHaveLength(1), { what: 'B reports the socket in the user room' });
    const got = nextEvent(s, 'mod:queue');
    a.agora.realtime()!.io.to(`user:${u.id}`).emit('mod:queue', { kind: 'test', item: { from: 'a' } } as never); // any payload: the adapter carries it as is
    await expect(got).resolves.toEqual({ kind: 'test', item: { from: 'a' } });
  });

  test('disconnecting a user on one process closes their socket on the other', async () => {
    const user = new Client(a.url);
    const { user: u } = await user.register();
    const s = await connectSocket(b.url, user.cookieHeader());
    sockets.push(s);
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    await eventually(async () => expect(await a.agora.realtime()!.io.in(`user:${u.id}`).fetchSockets()).toHaveLength(1), { what: 'B reports the socket in the user room' });
    a.agora.realtime()!.disconnectUser(u.id);
    await expect(closed).resolves.toBe('io server disconnect');
  });
});
