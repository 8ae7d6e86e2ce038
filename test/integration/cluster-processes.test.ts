import { Cluster } from 'ioredis';
import { cleanBackend, makeStores, testPrefix } from '../helpers/agora.js';
import { testClusterUrl } from '../helpers/redis-cluster.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { eventually } from '../helpers/eventually.js';
import { signedIn } from '../helpers/http.js';
import { type TestSocket } from '../helpers/sockets.js';
import {
  auditReachesModeratorsOnEveryProcess, banClosesSocketOnOtherProcess, removalReachesOtherProcess, threadRemovalReachesOtherProcess,
} from '../helpers/cross-process.js';
import type { Stores } from '../../server/store/index.js';

describe('moderation across two server processes on a three-primary Redis Cluster', () => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let stores: Stores;
  let probe: Cluster;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    const seed = await testClusterUrl();
    const u = new URL(seed);
    probe = new Cluster([{ host: u.hostname, port: Number(u.port) }], { lazyConnect: true });
    await probe.connect();
    const env = { REDIS_URL: seed, REDIS_CLUSTER: '1', REDIS_KEY_PREFIX: prefix, POST_RATE_PER_MINUTE: '1000' };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    stores = await makeStores('redis-cluster', prefix);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all([a?.stop(), b?.stop()]);
    await stores?.close();
    probe?.disconnect();
    await cleanBackend('redis-cluster', prefix);
  });

  const account = (url: string, role: 'member' | 'moderator' | 'admin') => signedIn(url, stores.users, role);

  /** Subscribers of `channel` over every primary, counted for sharded and for classic pub/sub. */
  async function subscribers(channel: string): Promise<{ sharded: number; classic: number }> {
    let sharded = 0;
    let classic = 0;
    for (const node of probe.nodes('master')) {
      sharded += Number(((await node.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
      classic += Number(((await node.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
    }
    return { sharded, classic };
  }

  /** The adapter's channel of one room: `<prefix>socket.io#<namespace>#<room>#`. */
  const roomChannel = (room: string) => `${prefix}socket.io#/#${room}#`;

  test('both processes listen on the sharded channel of the namespace, not on classic pub/sub', async () => {
    const channel = `${prefix}socket.io#/#`;
    // A process says it listens before Redis has confirmed its subscription: wait for both.
    await eventually(async () => expect(await subscribers(channel)).toEqual({ sharded: 2, classic: 0 }), { what: 'both processes are subscribed', intervalMs: 50 });
  });

  const both = () => ({ a, b, account, sockets });

  test('a removal made through process B reaches a socket connected to process A', () =>
    removalReachesOtherProcess(both(), async (threadId) => {
      // Watching answers only once process A is subscribed to the thread's room, so nothing
      // published from now on can miss it.
      expect((await subscribers(roomChannel(`thread:${threadId}`))).sharded).toBe(1);
    }));

  test('a thread removal made through process B reaches thread and forum watchers on process A, ids only', () => threadRemovalReachesOtherProcess(both()));

  test("a ban made through process B closes the banned user's socket on process A", () => banClosesSocketOnOtherProcess(both()));

  test("a removal's audit entry reaches moderators' dashboards on both processes, and no member's or visitor's socket", () =>
    auditReachesModeratorsOnEveryProcess(both()));

  test('neither process met a CROSSSLOT or other cluster error', () => {
    for (const p of [a, b]) expect(p.output()).not.toMatch(/CROSSSLOT|MOVED|ASK |TRYAGAIN|CLUSTERDOWN|non local key|do not hash to the same slot|"level":50/);
  });
});
