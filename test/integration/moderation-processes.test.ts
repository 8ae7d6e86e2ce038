import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { signedIn } from '../helpers/http.js';
import { type TestSocket } from '../helpers/sockets.js';
import {
  auditReachesModeratorsOnEveryProcess, banClosesSocketOnOtherProcess, removalReachesOtherProcess, threadRemovalReachesOtherProcess,
} from '../helpers/cross-process.js';
import type { Stores } from '../../server/store/index.js';

describe('moderation across two server processes on one Redis', () => {
  const prefix = testPrefix();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let stores: Stores;
  const sockets: TestSocket[] = [];

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

  const account = (url: string, role: 'member' | 'moderator' | 'admin') => signedIn(url, stores.users, role);
  const both = () => ({ a, b, account, sockets });

  test('a removal made through process B reaches a socket connected to process A', () => removalReachesOtherProcess(both()));

  test('a thread removal made through process B reaches thread and forum watchers on process A, ids only', () => threadRemovalReachesOtherProcess(both()));

  test("a ban made through process B closes the banned user's socket on process A", () => banClosesSocketOnOtherProcess(both()));

  test("a removal's audit entry reaches moderators' dashboards on both processes, and no member's or visitor's socket", () =>
    auditReachesModeratorsOnEveryProcess(both()));
});
