// Keeps this process's search index current (issue 18), from this process's own writes (handed
// over by the publisher before the request answers: findable here at once, an erase drops the
// stored snapshot at once) and from the store's feed, which every process follows (findable
// everywhere within a second). A change is applied by reading the post as the store has it now:
// applying one twice, late or out of order ends in the same index.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { FeedEntry, SearchChange, SearchStore } from '../store/search.js';
import type { ContentFollower } from '../forum/publish.js';
import { SearchEngine, type IndexedPost } from './engine.js';
import { documentFor, toIndexedPost } from './documents.js';
import { OwnEntries } from './own-entries.js';

export type SearchForumPort = Pick<ForumStore, 'getPost' | 'getPosts' | 'getThread' | 'getThreads' | 'listPosts' | 'scanPosts'>;

export interface SearchIndexDeps {
  store: SearchStore;
  forum: SearchForumPort;
  logger: Logger;
  /**
   * How often one process (holding a lease) stores a snapshot while the index changes; 0: never
   * (the embedded store, whose every process starts empty anyway).
   */
  snapshotEveryMs: number;
}

const BATCH = 500;
const GATHER_MS = 50;

export class SearchIndex implements ContentFollower {
  engine = SearchEngine.empty();
  /** Every feed entry up to here is applied. */
  private pos = '';
  // Applies run one at a time: two reads of one post racing could otherwise end with the older.
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private loaded = false;
  private readyWaiters: (() => void)[] = [];
  private changesSinceSnapshot = 0;
  private snapshotSoon = false;
  private timers = new Set<NodeJS.Timeout>();
  private readonly owner = randomUUID();
  private own = new OwnEntries();
  private snapshotting: Promise<boolean> | null = null;
  /** How the last load went: from the stored snapshot and the feed after it, or from every post. */
  loadedFrom: 'snapshot' | 'store' | null = null;

  constructor(private deps: SearchIndexDeps) {}

  get ready(): boolean { return this.loaded; }

  /** Resolves once the index has loaded (a snapshot and the feed after it, or every post). */
  whenReady = (): Promise<void> => (this.loaded ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve)));

  /** Takes an index built elsewhere (the reindex command), current up to `pos` (snapshot() replays the rest). */
  adopt(engine: SearchEngine, pos: string): void {
    this.engine = engine;
    this.pos = pos;
    this.loaded = true;
  }

  /** Loads, then follows the feed until stop(). Never throws: a store that is down is retried. */
  start = (): void => void this.run();

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    await this.queue.catch(() => {});
    await this.snapshotting;
  }

  /**
   * A write of this process changed what search may find: recorded in the feed for every process,
   * then applied here. `erased`: content gone for good, which also drops the stored snapshot.
   * `known`: the records the writer holds, saving a read.
   */
  async changed(change: SearchChange, erased: boolean, known?: { post?: PostRecord; thread?: ThreadRecord | null }): Promise<void> {
    if (erased) {
      // An erase must reach the store (its snapshot goes with it): a failure fails the request,
      // which can be repeated.
      this.own.appended(await this.deps.store.erase([change]));
      this.snapshotAfterErase();
    } else {
      // Applied here below once loaded: the entry carries this process's mark, known before the
      // append answers, so the feed's copy is skipped even when it arrives first. (Before it is
      // loaded, the load's replay of the feed applies it.)
      const applyHere = this.loaded;
      const origin = applyHere ? this.own.mark() : undefined;
      // The post is written already: a feed that cannot take the entry must not turn that into a
      // failed request (repeated, it would post twice). Other processes find it at their next load.
      await this.deps.store.append([origin ? { ...change, origin } : change]).catch((err) => {
        if (origin) this.own.forget(origin);
        this.deps.logger.warn({ search: 'feed append failed', code: codeOf(err) }, 'search feed did not take a change; other processes see it at their next load');
      });
      if (!applyHere) return;
    }
    if (!this.loaded) return;
    await this.serial(() => (change.kind === 'post' ? this.applyPosts([change.id], known) : this.applyThread(change.id)));
  }

  /** ContentFollower: the publisher hands over every post change of this process. */
  postChanged(post: PostRecord, thread?: ThreadRecord | null): Promise<void> {
    return this.changed({ kind: 'post', id: post.id }, post.purged, { post, ...(thread !== undefined ? { thread } : {}) });
  }

  /** ContentFollower: a thread as a whole (its title, state, or purge). */
  threadChanged = (thread: ThreadRecord, erased: boolean): Promise<void> => this.changed({ kind: 'thread', id: thread.id }, erased);

  /** ContentFollower: the stored snapshot may hold what just left (its author's id, kept titles). */
  async contentErased(): Promise<void> {
    await this.deps.store.erase([]);
    this.snapshotAfterErase();
  }

  /** No stored snapshot (an erase dropped it, or none was ever taken): new processes read every post until one is back. */
  private snapshotAfterErase(ms = 1000): void {
    if (this.deps.snapshotEveryMs <= 0) return;
    this.snapshotSoon = true;
    this.later(() => this.snapshot(), ms);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped && !this.loaded; attempt++) {
      try {
        await this.serial(() => this.load());
        this.loaded = true;
        for (const wake of this.readyWaiters.splice(0)) wake();
      } catch (err) {
        this.deps.logger.warn({ search: 'load failed', code: codeOf(err) }, 'search index could not load; retrying');
        await this.pause(Math.min(5000, 250 * 2 ** attempt));
      }
    }
    if (this.deps.snapshotEveryMs > 0) this.later(() => this.snapshotTick(), this.deps.snapshotEveryMs);
    while (!this.stopped) {
      try {
        const { entries, gap } = await this.deps.store.read(this.pos, BATCH, 1000);
        if (this.stopped) break;
        if (gap) {
          this.deps.logger.warn({ search: 'feed gap' }, 'search index fell behind the trimmed feed; reloading');
          await this.serial(() => this.load());
        } else if (entries.length) {
          await this.serial(() => this.applyEntries(entries));
          // A busy feed is read in batches: a short pause lets entries gather instead of one read
          // (and one wake-up) per post. Other processes still find a post well within a second.
          if (entries.length < BATCH) await this.pause(GATHER_MS);
        }
      } catch (err) {
        if (this.stopped) break;
        this.deps.logger.warn({ search: 'feed read failed', code: codeOf(err) }, 'search feed unreadable; retrying');
        await this.pause(1000);
      }
    }
  }

  /** The stored snapshot and the feed after it; without one (or if it is unusable), every post. */
  private async load(): Promise<void> {
    const snap = await this.deps.store.loadSnapshot();
    let fromSnapshot = false;
    if (snap) {
      try {
        this.engine = SearchEngine.load(snap.data);
        this.pos = snap.pos;
        fromSnapshot = true;
      } catch (err) {
        this.deps.logger.warn({ search: 'snapshot unreadable', code: codeOf(err) }, 'search snapshot unreadable; rebuilding from the store');
      }
    }
    if (!fromSnapshot) await this.rebuild();
    await this.catchUp();
    this.loadedFrom = fromSnapshot ? 'snapshot' : 'store';
    if (!fromSnapshot) this.snapshotAfterErase(0);
  }

  /** Every post from the store; the feed from where it stood at the start replays what changed meanwhile. */
  async rebuild(): Promise<void> {
    const from = await this.deps.store.head();
    const engine = SearchEngine.empty();
    let cursor = '';
    do {
      const page = await this.deps.forum.scanPosts(cursor, BATCH);
      cursor = page.cursor;
      const threads = await this.deps.forum.getThreads([...new Set(page.posts.map((p) => p.threadId))]);
      for (const post of page.posts) {
        const doc = await documentFor(this.deps.forum, post, threads.get(post.threadId) ?? null);
        if (doc) engine.upsert(doc);
      }
    } while (cursor && !this.stopped);
    this.engine = engine;
    this.pos = from;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const { entries, gap } = await this.deps.store.read(this.pos, BATCH, 0);
      if (gap) await this.rebuild();
      else if (entries.length) await this.applyEntries(entries);
      else return;
    }
  }

  private async applyEntries(all: FeedEntry[]): Promise<void> {
    const entries = all.filter((e) => !this.own.skip(e));
    const posts = [...new Set(entries.filter((e) => e.kind === 'post').map((e) => e.id))];
    if (posts.length) await this.applyPosts(posts);
    for (const id of new Set(entries.filter((e) => e.kind === 'thread').map((e) => e.id))) await this.applyThread(id);
    this.pos = all[all.length - 1]!.pos;
    this.changesSinceSnapshot += all.length;
  }

  private async applyPosts(ids: string[], known?: { post?: PostRecord; thread?: ThreadRecord | null }): Promise<void> {
    const posts = known?.post && ids.length === 1 ? new Map([[ids[0]!, known.post]]) : await this.deps.forum.getPosts(ids);
    const needed = [...new Set([...posts.values()].map((p) => p.threadId))].filter((t) => known?.thread?.id !== t);
    const threads = needed.length ? await this.deps.forum.getThreads(needed) : new Map<string, ThreadRecord>();
    if (known?.thread) threads.set(known.thread.id, known.thread);
    for (const id of ids) {
      const post = posts.get(id);
      this.put(id, post ? await documentFor(this.deps.forum, post, threads.get(post.threadId) ?? null) : null);
    }
  }

  /** Every post of the thread again: its title (first post), its state, or its purge changed. */
  private async applyThread(threadId: string): Promise<void> {
    const thread = await this.deps.forum.getThread(threadId);
    for (let offset = 0; ; offset += BATCH) {
      const posts = await this.deps.forum.listPosts(threadId, offset, BATCH);
      for (const [i, post] of posts.entries()) this.put(post.id, thread ? toIndexedPost(post, thread, offset + i === 0) : null);
      if (posts.length < BATCH) return;
    }
  }

  /** Indexes `doc`, or takes the post out, its words with it. */
  private put(id: string, doc: IndexedPost | null): void {
    if (doc) this.engine.upsert(doc);
    else this.engine.discard(id);
  }

  private async snapshotTick(): Promise<void> {
    if (this.changesSinceSnapshot > 0 || this.snapshotSoon) await this.snapshot();
    this.later(() => this.snapshotTick(), this.deps.snapshotEveryMs);
  }

  /**
   * Stores the index for new processes, if this process holds the lease. Taken only once every
   * entry up to the feed's head is applied, and refused by the store if an erase came meanwhile:
   * a snapshot never brings back erased words.
   */
  snapshot(): Promise<boolean> {
    // stop() waits for one under way: nothing of a stopped process's is written afterwards.
    const run = this.takeSnapshot();
    this.snapshotting = run.catch(() => false);
    return run;
  }

  private async takeSnapshot(): Promise<boolean> {
    if (this.stopped || !this.loaded) return false;
    const { store } = this.deps;
    if (!(await store.lease('snapshot', this.owner, 120_000))) return false;
    try {
      const generation = await store.eraseGeneration();
      const taken = await this.serial(async () => {
        await this.catchUp();
        return { data: this.engine.toJSON(), pos: this.pos, counted: this.changesSinceSnapshot };
      });
      const saved = !this.stopped && (await store.saveSnapshot({ data: taken.data, pos: taken.pos, generation }));
      if (saved) {
        this.changesSinceSnapshot -= taken.counted;
        this.snapshotSoon = false;
      }
      return saved;
    } finally {
      await store.release('snapshot', this.owner).catch(() => {});
    }
  }

  private later(work: () => Promise<unknown>, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      work().catch((err) => this.deps.logger.warn({ search: 'snapshot failed', code: codeOf(err) }, 'search snapshot not stored'));
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(async () => resolve(), ms));
  }
}

const codeOf = (err: unknown) => (err as { code?: string; name?: string })?.code ?? (err as Error)?.name;
