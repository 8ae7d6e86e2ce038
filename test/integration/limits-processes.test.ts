import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { limitsEnv, scenarios } from '../helpers/limit-bursts.js';
import { PROCESS_START_MS, spawnAgora, type AgoraProcess } from '../helpers/process.js';
import { TestSmtpServer } from '../helpers/smtp.js';
import type { Stores } from '../../server/store/index.js';

// The same bursts, each spread over two server processes that share one Redis: a limit is counted
// in the store, not in a process, so two processes together still pass exactly the limit.
describe('limits under concurrent bursts across two server processes on one Redis', () => {
  const prefix = testPrefix();
  const smtp = new TestSmtpServer();
  let a: AgoraProcess;
  let b: AgoraProcess;
  let stores: Stores;

  beforeAll(async () => {
    await smtp.start();
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, ...limitsEnv(smtp.url) };
    [a, b] = await Promise.all([spawnAgora(env), spawnAgora(env)]);
    stores = await makeStores('redis', prefix);
  }, PROCESS_START_MS + 30_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await stores?.close();
    await smtp.stop();
    await cleanRedis(prefix);
  });

  for (const [name, run] of Object.entries(scenarios)) {
    test(name, () => run({ urls: [a.url, b.url], users: stores.users, smtp }));
  }
});
