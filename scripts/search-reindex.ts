// Rebuilds the search index from every post in the store and stores it as the snapshot new Agora
// processes load, while Agora keeps serving. Resumable: run it again after an interruption and it
// continues from its last checkpoint.
//   npm run search:reindex
import { SingleBar, Presets } from 'cli-progress';
import { ConfigError, loadConfig } from '../server/config.js';
import { createLogger } from '../server/log.js';
import { createStores } from '../server/store/index.js';
import { reindex, ReindexBusy } from '../server/search/reindex.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.redisUrl) {
    process.stderr.write('search:reindex: REDIS_URL is not set. Without Redis the index lives inside the server process and is built when it starts; there is nothing to rebuild.\n');
    return 2;
  }
  const logger = createLogger('warn');
  const stores = await createStores({ redisUrl: config.redisUrl, cluster: config.redisCluster, keyPrefix: config.keyPrefix, secret: config.sessionSecret, logger });
  const bar = new SingleBar({ format: 'search:reindex [{bar}] {percentage}% | {value}/{total} posts | {eta_formatted} left', stream: process.stdout, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
  try {
    const result = await reindex({ store: stores.search, forum: stores.forum, logger }, {
      start: (total, done, resumed) => {
        if (resumed) process.stdout.write(`Resuming from a checkpoint: ${done} posts already indexed.\n`);
        bar.start(Math.max(total, done), done);
      },
      update: (done) => bar.update(done),
    });
    bar.stop();
    if (!result.stored) {
      process.stderr.write('search:reindex: the snapshot could not be stored (content kept being erased while it was taken, or another process kept the snapshot lease); run it again.\n');
      return 1;
    }
    process.stdout.write(`Indexed ${result.indexed} of ${result.posts} posts (purged ones are left out); snapshot stored. New Agora processes load it.\n`);
    return 0;
  } catch (err) {
    bar.stop();
    if (err instanceof ReindexBusy) {
      process.stderr.write(`search:reindex: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await stores.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`search:reindex: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(1);
});
