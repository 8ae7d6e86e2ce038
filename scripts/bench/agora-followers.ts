// Agora for the post-cost bench: built as server/main.ts builds it (configuration from the
// environment, the Redis stores, buildAgora), with one content follower left out when
// BENCH_WITHOUT is `search` or `notifications`, so the bench can weigh what each adds to a POST.
// Prints "Agora listening on <port>" once its search index is ready; stops on SIGTERM.
import { createServer } from 'node:http';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { createStores } from '../../server/store/index.js';
import { buildAgora } from '../../server/app.js';
import { serveUntilSignalled } from './serve.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const stores = await createStores({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix, secret: config.sessionSecret, threadLogSize: config.threadLogSize, logger });
  const without = process.env.BENCH_WITHOUT ?? '';
  if (!['', 'search', 'notifications'].includes(without)) throw new Error(`BENCH_WITHOUT=${without}: expected search or notifications`);
  const agora = buildAgora({ config, stores, logger, followers: { search: without !== 'search', notifications: without !== 'notifications' } });
  const server = createServer(agora.app);
  agora.attach(server);
  await agora.search.whenReady();
  serveUntilSignalled(server, config.port, 'Agora listening', async () => {
    await agora.close();
    await stores.close();
  });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
