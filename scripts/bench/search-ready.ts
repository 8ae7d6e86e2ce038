// A new process getting ready to search (the search bench's "ready" figure), run as
// `node dist/scripts/bench/search-ready.js <agora|plain>` with BENCH_REDIS_URL, BENCH_PREFIX and
// BENCH_SECRET set. `agora`: from constructing a SearchIndex on the Redis stores to whenReady()
// (the stored snapshot fetched and loaded, then the feed after it). `plain`: the floor, from
// asking Redis for the same snapshot to JSON.parse having read it. Prints one JSON line.
import { pino } from 'pino';
import { createStores } from '../../server/store/index.js';
import { SearchIndex } from '../../server/search/follower.js';
import { exitWhenDone } from './search-child.js';

async function main(): Promise<void> {
  const mode = process.argv[2];
  const logger = pino({ level: 'silent' });
  const stores = await createStores({ redisUrl: process.env.BENCH_REDIS_URL!, keyPrefix: process.env.BENCH_PREFIX!, secret: process.env.BENCH_SECRET!, logger, readCache: false });
  try {
    // Spawned with --expose-gc: the heap a ready process keeps, not the garbage of loading.
    const heapNow = () => (globalThis.gc?.(), process.memoryUsage().heapUsed);
    const heap0 = heapNow();
    const t0 = performance.now();
    let docs: number;
    let bytes = 0;
    let kept: unknown = null; // held until the heap is read
    if (mode === 'agora') {
      const index = new SearchIndex({ store: stores.search, forum: stores.forum, logger, snapshotEveryMs: 0 });
      index.start();
      await index.whenReady();
      docs = index.engine.size;
      await index.stop();
      kept = index;
    } else if (mode === 'plain') {
      const snap = await stores.search.loadSnapshot();
      if (!snap) throw new Error('no snapshot stored');
      bytes = Buffer.byteLength(snap.data);
      const loaded = JSON.parse(snap.data) as { ids: string[] };
      docs = loaded.ids.length;
      kept = loaded;
    } else {
      throw new Error(`mode ${mode}: expected agora or plain`);
    }
    const ms = performance.now() - t0;
    const heapMb = (heapNow() - heap0) / 2 ** 20;
    if (!kept) throw new Error('nothing loaded');
    process.stdout.write(`${JSON.stringify({ ms, docs, bytes, heapMb })}\n`);
  } finally {
    await stores.close();
  }
}

exitWhenDone(main());
