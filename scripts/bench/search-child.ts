// What the search bench's child processes share (search-queries.ts, search-write.ts): the job read
// as JSON from stdin, the Redis stores at BENCH_REDIS_URL / BENCH_PREFIX / BENCH_SECRET, this
// process's own search index loaded from the stored snapshot (as a new Agora process loads it),
// the result printed as one JSON line, and the exit code.
import { pino } from 'pino';
import { createStores, type Stores } from '../../server/store/index.js';
import { SearchIndex } from '../../server/search/follower.js';

export function runSearchChild<J, R>(work: (job: J, stores: Stores, index: SearchIndex) => Promise<R>): void {
  const main = async () => {
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const job = JSON.parse(input) as J;
    const logger = pino({ level: 'silent' });
    const stores = await createStores({ redisUrl: process.env.BENCH_REDIS_URL!, keyPrefix: process.env.BENCH_PREFIX!, secret: process.env.BENCH_SECRET!, logger });
    const index = new SearchIndex({ store: stores.search, forum: stores.forum, logger, snapshotEveryMs: 0 });
    try {
      index.start();
      await index.whenReady();
      process.stdout.write(`${JSON.stringify(await work(job, stores, index))}\n`);
    } finally {
      await index.stop();
      await stores.close();
    }
  };
  exitWhenDone(main());
}

/** Exits 0 once `work` is done, or 1 with its stack on stderr (the parent reads both). */
export function exitWhenDone(work: Promise<unknown>): void {
  work.then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
