import pino from 'pino';
import { createMemoryStores, type Stores } from '../../../server/store/index.js';
import type { ForumStore } from '../../../server/store/forum.js';
import type { FeedRead, SearchChange, SearchStore } from '../../../server/store/search.js';
import { SearchIndex } from '../../../server/search/follower.js';
import { eventually } from '../../helpers/eventually.js';
import { makeUser, newPost, reply, startThread } from '../moderation/world.js';

// The follower's own writes: the process that wrote a post indexes it as it answers, from the
// records it holds, and skips the feed's copy of the change, however the append's answer and the
// feed's read race. Everyone else's entries are applied from the store.

/** Forum reads the follower makes, by method, after it has loaded. */
function countingForum(forum: ForumStore) {
  const reads: string[] = [];
  const port = new Proxy(forum, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { port, reads };
}

/**
 * The feed, except that an append answers only after a read has handed its entry out and the
 * reader has had a turn of the event loop to apply it (as when Redis's answer to the blocked XREAD
 * is read off its socket before the XADD's): the race at its worst.
 */
function feedThatReadsFirst(feed: SearchStore) {
  let handedOut = () => {};
  const readFirst = new Promise<void>((resolve) => (handedOut = resolve));
  return new Proxy(feed, {
    get(target, key) {
      if (key === 'append') return async (changes: readonly SearchChange[]) => {
        const pos = await target.append(changes);
        await readFirst;
        await new Promise((resolve) => setImmediate(resolve));
        return pos;
      };
      if (key === 'read') return async (after: string, count: number, waitMs: number): Promise<FeedRead> => {
        const got = await target.read(after, count, waitMs);
        if (got.entries.length) handedOut();
        return got;
      };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('the search follower', () => {
  let stores: Stores;
  let index: SearchIndex;
  let reads: string[];
  let feed: SearchStore;

  beforeEach(async () => {
    stores = createMemoryStores({ secret: 'test' });
    const forum = countingForum(stores.forum);
    reads = forum.reads;
    feed = feedThatReadsFirst(stores.search);
    index = new SearchIndex({ store: feed, forum: forum.port, logger: pino({ level: 'silent' }), snapshotEveryMs: 0 });
    index.start();
    await index.whenReady();
  });
  afterEach(() => index.stop());

  test("its own post is indexed once, from the writer's records, when the feed's copy arrives before the append answers", async () => {
    const author = await makeUser(stores, 'member');
    const { thread } = await startThread(stores, author, 'A thread');
    // A reply, written after the thread's first post (whose index entry also carries the title).
    const post = { ...newPost(author, thread), createdAt: '2026-01-01T00:00:01.000Z' };
    expect((await stores.forum.addPost(post, { event: 'post:created', audience: 'all' })).ok).toBe(true);
    const upserts: string[] = [];
    const upsert = index.engine.upsert.bind(index.engine);
    index.engine.upsert = (doc) => {
      upserts.push(doc.id);
      upsert(doc);
    };
    reads.length = 0;

    await index.postChanged({ ...post, seq: 2 }, thread);

    // The feed read came first (the append waited for it) and was applied before the local apply.
    expect(index.engine.has(post.id)).toBe(true);
    expect(upserts).toEqual([post.id]);
    expect(reads).toEqual([]);
  });

  test("another process's entry is applied here, read from the store", async () => {
    const author = await makeUser(stores, 'member');
    const { thread } = await startThread(stores, author, 'Written elsewhere');
    const post = await reply(stores, author, thread);
    reads.length = 0;

    await stores.search.append([{ kind: 'post', id: post.id, origin: 'another-process.1' }]);

    await eventually(async () => index.engine.has(post.id), { what: 'the other process\'s post indexed here' });
    expect(reads).toContain('getPosts');
  });
});
