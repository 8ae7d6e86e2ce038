// Query latency as a production process on Redis sees it (the search bench's query figures), run as
// `node dist/scripts/bench/search-queries.js` with BENCH_REDIS_URL, BENCH_PREFIX and BENCH_SECRET
// set and a JSON job on stdin: the caller, the query mix, the rounds, and the crafted queries.
// The process holds what an Agora process holds — its index, loaded from the stored snapshot, and a
// connection to Redis — and not the bench's 100,000-post corpus, memory store and MiniSearch index,
// whose collections landed in the timings when the queries ran beside them. Every query goes
// through the whole search() service: index recall, then each candidate re-read from Redis and
// re-checked through the policy. Prints one JSON line: each query's wall times (ms) and, for the
// crafted ones, the CPU each took (user + system, ms).
import type { Stores } from '../../server/store/index.js';
import type { SearchIndex } from '../../server/search/follower.js';
import { runSearchChild } from './search-child.js';
import { search, type SearchDeps } from '../../server/search/service.js';
import type { SearchEngine } from '../../server/search/engine.js';
import type { UserRecord } from '../../server/store/users.js';
import { searchQuery } from '../../shared/schemas/search.js';
import type { Query } from './search-corpus.js';

const WARM_UP_ROUNDS = 20;
/**
 * Runs of each crafted query before the timed ones. Its first run is timed apart: it runs code the
 * query mix never reached (the exclusion lookup, say) before V8 has compiled it, and the process's
 * CPU then includes the compiler's threads: 6–8 ms where the same query costs 0.5 ms once warm.
 */
const CRAFTED_WARM_UP = 20;

export interface QueryJob { caller: UserRecord; mix: Query[]; rounds: number; crafted: Query[]; craftedRuns: number }
export interface QueryTimes { mix: Record<string, number[]>; crafted: Record<string, { wall: number[]; cpu: number[]; first: { wall: number; cpu: number } }> }

/** search()'s ports on these stores, with a limiter no bench reaches. */
export function serviceDeps(stores: Stores, engine: () => SearchEngine): SearchDeps {
  return {
    index: { ready: true, get engine() { return engine(); } },
    forum: stores.forum, users: stores.users,
    limiter: stores.limiters.create('bench-search', 1_000_000_000, 60),
  };
}

/** One query through search(): wall ms and CPU ms of this process. */
export async function timeService(deps: SearchDeps, caller: UserRecord, q: Query): Promise<{ wall: number; cpu: number }> {
  const parsed = searchQuery.parse({ q: q.q, ...(q.forumId ? { forumId: q.forumId } : {}) });
  const c = process.cpuUsage();
  const t = performance.now();
  await search(deps, caller, 'bench-client', parsed, 0);
  const wall = performance.now() - t;
  const used = process.cpuUsage(c);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

async function queries(job: QueryJob, stores: Stores, index: SearchIndex): Promise<QueryTimes> {
  const deps = serviceDeps(stores, () => index.engine);
  const out: QueryTimes = { mix: {}, crafted: {} };
  // Warm-up in the order of the timed rounds, long enough for V8 to settle on optimized code: with
  // 3 rounds, and with a forced collection before timing (which drops type feedback), the first
  // timed rounds ran unoptimized code and took 10–30 ms of CPU. A serving process is long past that.
  for (let r = 0; r < WARM_UP_ROUNDS; r++) for (const q of job.mix) await timeService(deps, job.caller, q);
  for (let r = 0; r < job.rounds; r++) {
    for (const q of job.mix) (out.mix[q.name] ??= []).push((await timeService(deps, job.caller, q)).wall);
  }
  for (const q of job.crafted) {
    const first = await timeService(deps, job.caller, q);
    for (let w = 1; w < CRAFTED_WARM_UP; w++) await timeService(deps, job.caller, q);
    const times = { wall: [] as number[], cpu: [] as number[], first };
    for (let i = 0; i < job.craftedRuns; i++) {
      const t = await timeService(deps, job.caller, q);
      times.wall.push(t.wall);
      times.cpu.push(t.cpu);
    }
    out.crafted[q.name] = times;
  }
  return out;
}

// Run as a script, not when search.ts imports serviceDeps/timeService from here.
if (process.argv[1]?.endsWith('search-queries.js')) runSearchChild(queries);
