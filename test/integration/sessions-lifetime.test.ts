// Sessions end after an idle window without requests and after an absolute lifetime whatever
// happens; the server's clock is injected and moved, nothing waits.
import { cleanRedis, makeStores, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { Client } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import type { Stores } from '../../server/store/index.js';

const MINUTE = 60_000;
const IDLE = 60; // minutes
const ABSOLUTE = 180;

describe.each(['memory', 'redis'] as const)('session lifetimes on the %s store', (store) => {
  const prefix = testPrefix();
  let agora: Running;
  let stores: Stores;
  let clock = Date.now();
  let sessionWrites = 0;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    stores = await makeStores(store, prefix);
    const set = stores.sessions.set.bind(stores.sessions);
    stores.sessions.set = (...args) => {
      sessionWrites++;
      return set(...args);
    };
    agora = await startAgora({
      store, prefix, stores, now: () => clock,
      env: { SESSION_IDLE_MINUTES: String(IDLE), SESSION_ABSOLUTE_MINUTES: String(ABSOLUTE) },
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await agora.close();
    await stores.close();
    if (store === 'redis') await cleanRedis(prefix);
  });

  const member = async () => {
    const c = new Client(agora.url);
    await c.register();
    return c;
  };
  const signedIn = async (c: Client) => (await c.get('/api/auth/me')).status === 200;

  test('a session ends once the idle window passes without a request', async () => {
    const c = await member();
    clock += (IDLE - 1) * MINUTE;
    expect(await signedIn(c)).toBe(true);
    clock += (IDLE + 1) * MINUTE;
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
  });

  test('requests keep a session alive past the idle window, but never past the absolute lifetime', async () => {
    const c = await member();
    for (let i = 0; i < 3; i++) {
      clock += 50 * MINUTE; // each step is within the idle window of the one before
      expect(await signedIn(c)).toBe(true);
    }
    clock += 25 * MINUTE; // 175 minutes after sign-in
    expect(await signedIn(c)).toBe(true);
    clock += 6 * MINUTE; // 181: past the absolute lifetime, though the last request was 6 minutes ago
    expect(await signedIn(c)).toBe(false);
  });

  test('a session in use is written at most once per tenth of its idle window', async () => {
    const c = await member();
    const atSignIn = sessionWrites;
    for (let i = 0; i < 20; i++) {
      clock += 0.25 * MINUTE;
      expect(await signedIn(c)).toBe(true);
    }
    expect(sessionWrites).toBe(atSignIn); // 5 minutes of requests: under a tenth of 60
    clock += 2 * MINUTE;
    expect(await signedIn(c)).toBe(true);
    expect(sessionWrites).toBe(atSignIn + 1); // past a tenth: the idle deadline moves, once
    for (let i = 0; i < 5; i++) expect(await signedIn(c)).toBe(true);
    expect(sessionWrites).toBe(atSignIn + 1);
  });

  test('an open socket of a session that ended is closed; one whose session was kept alive stays', async () => {
    const idle = await member();
    const active = await member();
    const idleSocket = await connectSocket(agora.url, idle.cookieHeader());
    const activeSocket = await connectSocket(agora.url, active.cookieHeader());
    sockets.push(idleSocket, activeSocket);
    clock += 50 * MINUTE;
    expect(await signedIn(active)).toBe(true);
    clock += 15 * MINUTE; // 65 minutes: the idle one's window is over, the active one's runs to 110
    const closed = new Promise<string>((resolve) => idleSocket.once('disconnect', resolve));
    // The sweep runs every minute on its own; here it runs now.
    expect(await agora.agora.realtime()!.closeSocketsOfEndedSessions()).toBe(1);
    expect(await closed).toBe('io server disconnect');
    // A round trip on the active socket: a disconnect sent to it would have arrived before the ack.
    const ack = await activeSocket.timeout(ACK_MS).emitWithAck('forum:watch', { forumId: 'no-such-forum' });
    expect(ack).toEqual({ ok: false, error: { code: 'not_found' } });
    expect(activeSocket.connected).toBe(true);
  });
});
