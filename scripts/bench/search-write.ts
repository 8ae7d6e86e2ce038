// What keeping search current adds to writing a post: the forum service's reply() on Redis (the
// content pipeline, the store's atomic write, the publisher) with the search index as the
// publisher's follower, beside the same reply() with no follower, in alternating rounds. The
// follower's share is its feed append (one XADD) and its local apply, awaited by the request, and
// the same change coming back through the feed (read again from the store and applied again): a
// round with the follower ends only once the follower has caught up with the feed, so that
// background work is counted too.
//
// Run by the search bench as `node dist/scripts/bench/search-write.js` (BENCH_REDIS_URL,
// BENCH_PREFIX, BENCH_SECRET; the writers, threads and bodies as JSON on stdin): a process that
// holds what an Agora process holds, its index loaded from the stored snapshot and following the
// feed, not the bench's corpus, memory store and MiniSearch index, whose collections a post's
// garbage made dearer there. Prints one JSON line: the WriteCost.
import { loadConfig } from '../../server/config.js';
import { reply, type ForumDeps } from '../../server/forum/service.js';
import { ThreadPublisher } from '../../server/forum/publish.js';
import type { SearchIndex } from '../../server/search/follower.js';
import type { Stores } from '../../server/store/index.js';
import { runSearchChild } from './search-child.js';
import type { ThreadRecord } from '../../server/store/forum.js';
import type { UserRecord } from '../../server/store/users.js';
import { pool, rng } from './search-corpus.js';
import { sleep, summary } from './harness.js';

const ROUNDS = 4; // per side, alternating which goes first
const ROUND_MS = 2_000;
const WIDTH = 16; // replies in flight: a busy process, Redis round trips overlapping
const CATCH_UP_MS = 10_000;

/** Who writes, where, and what: from the search bench's corpus. */
export interface WriteJob { users: UserRecord[]; threads: Pick<ThreadRecord, 'id'>[]; bodies: string[] }

export interface WriteCost {
  /** Replies per second with the search index following, and with no follower. */
  rate: { follower: number; none: number };
  /** This process's CPU time per reply, µs (user + system), the follower's background work included. */
  cpuUs: { follower: number; none: number };
  /** Each reply()'s own time, ms. */
  latency: { follower: ReturnType<typeof summary>; none: ReturnType<typeof summary> };
  /** The follower's postChanged alone, per post, ms (one at a time). */
  postChanged: ReturnType<typeof summary>;
  posts: number;
}

// The follower's position in the feed is private; the bench reads it to know the follower has
// applied everything the round appended (its own changes come back through the feed too).
const positionOf = (index: SearchIndex) => (index as unknown as { pos: string }).pos;

async function caughtUp(stores: Stores, index: SearchIndex): Promise<void> {
  const head = await stores.search.head();
  const deadline = performance.now() + CATCH_UP_MS;
  while (positionOf(index) !== head) {
    if (performance.now() > deadline) throw new Error(`search follower still behind the feed after ${CATCH_UP_MS} ms`);
    await sleep(2);
  }
}

export async function writeCost(stores: Stores, index: SearchIndex, corpus: WriteJob): Promise<WriteCost> {
  const config = { ...loadConfig({ NODE_ENV: 'test' }), holdFirstPosts: 0, requireVerifiedEmail: false };
  const base = {
    forum: stores.forum, users: stores.users, config, now: Date.now,
    postLimiter: stores.limiters.create('bench-search-posts', 1_000_000_000, 60),
    previewLimiter: stores.limiters.create('bench-search-previews', 1_000_000_000, 60),
  };
  const deps: Record<'follower' | 'none', ForumDeps> = {
    follower: { ...base, publisher: new ThreadPublisher(() => undefined, stores.forum, stores.users, [index]) },
    none: { ...base, publisher: new ThreadPublisher(() => undefined, stores.forum, stores.users) },
  };
  const random = rng(186);
  const { bodies } = corpus;
  let n = 0;
  const one = async (d: ForumDeps, times: number[]) => {
    const user = corpus.users[Math.floor(random() * corpus.users.length)]!;
    const thread = corpus.threads[Math.floor(random() * corpus.threads.length)]!;
    const t = performance.now();
    await reply(d, user, thread.id, { body: bodies[n++ % bodies.length]!, acknowledgePii: [] });
    times.push(performance.now() - t);
  };
  const round = async (side: 'follower' | 'none', times: number[]) => {
    let done = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: WIDTH }, async () => {
      while (performance.now() - start < ROUND_MS) {
        await one(deps[side], times);
        done++;
      }
    }));
    await caughtUp(stores, index); // with no follower there is nothing to catch up: returns at once
    const used = process.cpuUsage(cpu);
    return { done, ms: performance.now() - start, cpuUs: used.user + used.system };
  };

  // Warm-up, both sides: the content pipeline and the scripts' first calls.
  await pool(Array.from({ length: 200 }), WIDTH, () => one(deps.none, []));
  await pool(Array.from({ length: 200 }), WIDTH, () => one(deps.follower, []));
  await caughtUp(stores, index);

  const totals = { follower: { done: 0, ms: 0, cpuUs: 0 }, none: { done: 0, ms: 0, cpuUs: 0 } };
  const times = { follower: [] as number[], none: [] as number[] };
  for (let r = 0; r < 2 * ROUNDS; r++) {
    const side = (r % 4 === 0 || r % 4 === 3) ? 'follower' : 'none'; // f n n f f n n f …
    const t = await round(side, times[side]);
    totals[side].done += t.done;
    totals[side].ms += t.ms;
    totals[side].cpuUs += t.cpuUs;
  }

  // The follower's step by itself, one post at a time, on posts just written.
  const alone: number[] = [];
  const written: { post: Awaited<ReturnType<typeof reply>>['post']; thread: Awaited<ReturnType<typeof reply>>['thread'] }[] = [];
  for (let i = 0; i < 100; i++) {
    const user = corpus.users[i % corpus.users.length]!;
    const r = await reply(deps.none, user, corpus.threads[i]!.id, { body: bodies[i]!, acknowledgePii: [] });
    written.push({ post: r.post, thread: r.thread });
  }
  for (const w of written) {
    const t = performance.now();
    await index.postChanged(w.post, w.thread);
    alone.push(performance.now() - t);
  }
  await caughtUp(stores, index);

  return {
    rate: { follower: (totals.follower.done * 1000) / totals.follower.ms, none: (totals.none.done * 1000) / totals.none.ms },
    cpuUs: { follower: totals.follower.cpuUs / totals.follower.done, none: totals.none.cpuUs / totals.none.done },
    latency: { follower: summary(times.follower), none: summary(times.none) },
    postChanged: summary(alone),
    posts: totals.follower.done + totals.none.done,
  };
}

// Run as a script (the search bench's child), not when search.ts imports the types from here.
if (process.argv[1]?.endsWith('search-write.js')) runSearchChild((job: WriteJob, stores, index) => writeCost(stores, index, job));
