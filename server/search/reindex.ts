// `npm run search:reindex`: builds the search index from every post in the store and stores it as
// the snapshot new processes load, while Agora keeps serving (running processes keep following
// the feed; nothing they do waits for this). Resumable: every `checkpointEvery` posts the index so
// far and the scan's cursor are stored, and a run that finds them continues from there.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ForumStore, ThreadRecord } from '../store/forum.js';
import type { SearchStore } from '../store/search.js';
import { SearchEngine } from './engine.js';
import { documentFor } from './documents.js';
import { SearchIndex, type SearchForumPort } from './follower.js';

export interface ReindexDeps {
  store: SearchStore;
  forum: SearchForumPort & Pick<ForumStore, 'countPosts'>;
  logger: Logger;
}

export interface ReindexProgress {
  /** Posts in the store when the run began (the bar's end). */
  start(total: number, done: number, resumed: boolean): void;
  update(done: number): void;
}

interface Checkpoint { cursor: string; from: string; done: number }

const LEASE = 'reindex';
const CHECKPOINT = 'reindex';
const PARTIAL = 'reindex-partial';
const LEASE_MS = 120_000;

export class ReindexBusy extends Error {
  constructor() {
    super('another search:reindex is running (it holds the lease); try again when it has finished');
  }
}

/** Runs the whole reindex; answers how many posts were read and whether the snapshot was stored. */
export async function reindex(deps: ReindexDeps, progress: ReindexProgress, opts: { checkpointEvery?: number; batch?: number; retryMs?: number } = {}) {
  const owner = randomUUID();
  const { store, forum } = deps;
  if (!(await store.lease(LEASE, owner, LEASE_MS))) throw new ReindexBusy();
  try {
    const saved = await store.getProgress(CHECKPOINT);
    let at: Checkpoint = { cursor: '', from: await store.head(), done: 0 };
    let engine = SearchEngine.empty();
    if (saved) {
      const partial = await store.getProgress(PARTIAL);
      if (partial) {
        at = JSON.parse(saved) as Checkpoint;
        engine = SearchEngine.load(partial);
      }
    }
    progress.start(await forum.countPosts(), at.done, at.done > 0);
    const every = opts.checkpointEvery ?? 20_000;
    let sinceCheckpoint = 0;
    do {
      const page = await forum.scanPosts(at.cursor, opts.batch ?? 500);
      const threads: Map<string, ThreadRecord> = await forum.getThreads([...new Set(page.posts.map((p) => p.threadId))]);
      for (const post of page.posts) {
        const doc = await documentFor(forum, post, threads.get(post.threadId) ?? null);
        if (doc) engine.upsert(doc);
        else engine.discard(post.id);
      }
      at = { ...at, cursor: page.cursor, done: at.done + page.posts.length };
      sinceCheckpoint += page.posts.length;
      progress.update(at.done);
      if (at.cursor && sinceCheckpoint >= every) {
        // The index first, then the cursor: a stored cursor never points past what is stored.
        await engine.vacuum();
        await store.setProgress(PARTIAL, engine.toJSON());
        await store.setProgress(CHECKPOINT, JSON.stringify(at));
        await store.lease(LEASE, owner, LEASE_MS);
        sinceCheckpoint = 0;
      }
    } while (at.cursor);

    // What changed while the scan ran is in the feed after `from`: the snapshot replays it first
    // (and is refused if an erase happened meanwhile, so it is tried again on what the feed says).
    const index = new SearchIndex({ store, forum, logger: deps.logger, snapshotEveryMs: 0 });
    index.adopt(engine, at.from);
    let stored = false;
    for (let attempt = 0; attempt < 10 && !stored; attempt++) {
      // A running process may be storing its own snapshot (it holds that lease for a moment).
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, opts.retryMs ?? 2000));
      stored = await index.snapshot();
      await store.lease(LEASE, owner, LEASE_MS);
    }
    if (stored) {
      await store.setProgress(CHECKPOINT, null);
      await store.setProgress(PARTIAL, null);
    }
    return { posts: at.done, indexed: index.engine.size, stored };
  } finally {
    await store.release(LEASE, owner).catch(() => {});
  }
}
