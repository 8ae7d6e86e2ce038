import { io, type Socket } from 'socket.io-client';
import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { TcpBalancer } from '../helpers/tcp-balancer.js';
import { eventually } from '../helpers/eventually.js';
import { ACK_MS } from '../helpers/sockets.js';
import { Client } from '../helpers/http.js';
import { createAccount } from '../../server/auth/service.js';
import type { Stores } from '../../server/store/index.js';
import type { ClientToServerEvents, ServerToClientEvents, WatchAck } from '../../shared/events.js';

/**
 * A watcher that does what the web client (client/src/realtime.ts) does: it remembers the last seq
 * it applied, re-watches with `since` after every reconnect, buffers live events until that answer
 * is in, and drops anything at or below the last applied seq.
 */
function watcher(url: string, threadId: string) {
  const applied: number[] = [];
  const postIds: string[] = [];
  let last = 0;
  let reloads = 0;
  let syncing = true;
  let buffer: { seq: number; postId: string }[] = [];
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 });
  const apply = (seq: number, postId: string) => {
    if (seq <= last) return;
    last = seq;
    applied.push(seq);
    postIds.push(postId);
  };
  s.on('post:created', (p) => (syncing ? buffer.push({ seq: p.seq, postId: p.post.id }) : apply(p.seq, p.post.id)));
  s.on('disconnect', () => {
    syncing = true;
    buffer = [];
  });
  s.on('connect', async () => {
    const ack = (await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId, since: last })) as WatchAck;
    if (ack.reload) reloads++;
    for (const m of ack.missed ?? []) {
      const p = m.payload as { seq: number; post: { id: string } };
      apply(p.seq, p.post.id);
    }
    syncing = false;
    for (const b of buffer.sort((x, y) => x.seq - y.seq)) apply(b.seq, b.postId);
    buffer = [];
  });
  return { socket: s, applied, postIds, reloads: () => reloads, last: () => last };
}

describe('one of two Agora processes killed with SIGKILL while clients watch a thread', () => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let balancer: TcpBalancer;
  let stores: Stores;

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, POST_RATE_PER_MINUTE: '100000' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    balancer = new TcpBalancer([a.port, b.port]);
    await balancer.start();
    stores = await makeStores('redis', prefix);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop()]);
    await balancer?.stop();
    await stores?.close();
    await cleanRedis(prefix);
  });

  test('the clients reconnect to the other process and catch up, missing and duplicating nothing', async () => {
    await createAccount(stores.users, { username: 'faultadmin', email: 'fa@example.com', password: 'a fine long password', role: 'admin' });
    const poster = new Client(b.url); // posts go straight to the survivor
    expect((await poster.login('faultadmin', 'a fine long password')).status).toBe(200);
    const forumId = (await poster.post('/api/forums', { slug: 'kill', title: 'Kill' })).body.forum.id;
    const threadId = (await poster.post(`/api/forums/${forumId}/threads`, { title: 't', body: 'start' })).body.thread.id;

    const watchers = Array.from({ length: 10 }, () => watcher(`http://127.0.0.1:${balancer.port}`, threadId));
    await Promise.all(watchers.map((w) => new Promise((r) => (w.socket.connected ? r(null) : w.socket.once('connect', () => r(null))))));
    await eventually(() => expect(watchers.map((w) => w.last() >= 1)).not.toContain(false), { what: 'each watcher has caught up to the opening post' });

    const created: string[] = [];
    const post = async (i: number) => {
      const res = await poster.post(`/api/threads/${threadId}/posts`, { body: `p${i}` });
      expect(res.status).toBe(201);
      created.push(res.body.post.id);
    };
    for (let i = 0; i < 10; i++) await post(i);
    a.child.kill('SIGKILL');
    expect(await a.exited).toBeNull(); // killed by the signal, no exit code
    for (let i = 10; i < 30; i++) await post(i);

    const expectedSeqs = Array.from({ length: 31 }, (_, i) => i + 1); // seq 1 is the opening post
    await eventually(() => expect(watchers.map((w) => w.last())).toEqual(watchers.map(() => 31)), { what: 'every watcher has caught up to the last post', intervalMs: 50 });
    for (const w of watchers) {
      expect(w.socket.connected).toBe(true);
      expect(w.reloads()).toBe(0);
      expect(w.applied).toEqual(expectedSeqs);
      expect(w.postIds.slice(1)).toEqual(created);
      w.socket.disconnect();
    }
  }, 60_000);
});
