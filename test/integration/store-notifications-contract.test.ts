import { cleanBackend, makeStores, redisTarget, testPrefix } from '../helpers/agora.js';
import { dumpRedis } from '../helpers/redis-dump.js';
import type { Stores } from '../../server/store/index.js';
import type { NotificationCursor, NotificationRecord } from '../../server/store/notifications.js';
import { newId } from '../../server/store/ids.js';
import { redisOf } from '../../server/store/redis/index.js';

// Notifications, subscriptions, read positions and e-mail preferences (issue 19), the same on
// every backend: the memory store is the reference, Redis and Redis Cluster must agree with it.

const T0 = Date.parse('2031-05-06T07:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const note = (userId: string, over: Partial<NotificationRecord> = {}): NotificationRecord => ({
  id: newId(), userId, kind: 'mention', at: at(0), read: false, actorId: 'actor-1', postId: newId(), threadId: newId(), ...over,
});

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the %s store', (kind) => {
  let stores: Stores;
  const prefix = testPrefix();
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });

  /** Every page of a member's list, `limit` at a time, as ids. */
  async function walk(userId: string, unreadOnly: boolean, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let after: NotificationCursor | null = null;
    let pages = 0;
    do {
      const page = await stores.notifications.list(userId, { unreadOnly, after, limit });
      ids.push(...page.items.map((n) => n.id));
      after = page.next;
      pages++;
    } while (after && pages < 20);
    return { ids, pages };
  }

  describe('notifications', () => {
    test('a notification is stored once: adding it again answers false and keeps the first', async () => {
      const n = note(newId());
      expect(await stores.notifications.add(n)).toBe(true);
      expect(await stores.notifications.add({ ...n, kind: 'reply', read: true })).toBe(false);
      expect(await stores.notifications.get(n.id)).toEqual(n);
      expect(await stores.notifications.get(newId())).toBeNull();
    });

    test('a member sees their notifications newest first, page by page, equal times by id descending', async () => {
      const u = newId();
      const tag = newId();
      const make = (suffix: string, ms: number) => note(u, { id: `${tag}${suffix}`, at: at(ms) });
      const all = [make('a', 1000), make('c', 2000), make('b', 2000), make('d', 2000), make('e', 3000), make('f', 0)];
      for (const n of all) await stores.notifications.add(n);
      await stores.notifications.add(note(newId(), { at: at(2500) }));
      const expected = ['e', 'd', 'c', 'b', 'a', 'f'].map((s) => `${tag}${s}`);
      expect(await walk(u, false, 2)).toEqual({ ids: expected, pages: 3 });
      expect((await walk(u, false, 4)).ids).toEqual(expected);
      // A cursor inside a run of equal times goes on with the rest of the run.
      expect((await stores.notifications.list(u, { unreadOnly: false, after: { at: T0 + 2000, id: `${tag}d` }, limit: 2 })).items.map((n) => n.id))
        .toEqual([`${tag}c`, `${tag}b`]);
      const first = await stores.notifications.list(u, { unreadOnly: false, after: null, limit: 10 });
      expect(first.next).toBeNull();
      expect(first.items[0]).toEqual(all[4]);
    });

    test('the unread list and count leave out what the member has read, and marking read answers the count left', async () => {
      const u = newId();
      const ns = [0, 1, 2, 3, 4].map((i) => note(u, { at: at(i * 1000) }));
      for (const n of ns) await stores.notifications.add(n);
      await stores.notifications.add(note(u, { at: at(9000), read: true }));
      expect(await stores.notifications.unreadCount(u)).toBe(5);
      expect(await stores.notifications.markRead(u, [ns[1]!.id, ns[3]!.id])).toBe(3);
      expect(await walk(u, true, 2)).toEqual({ ids: [ns[4]!.id, ns[2]!.id, ns[0]!.id], pages: 2 });
      const everything = await stores.notifications.list(u, { unreadOnly: false, after: null, limit: 10 });
      expect(everything.items.map((n) => n.read)).toEqual([true, false, true, false, true, false]);
      expect((await stores.notifications.get(ns[3]!.id))?.read).toBe(true);
      expect(await stores.notifications.markRead(u, 'all')).toBe(0);
      expect((await stores.notifications.list(u, { unreadOnly: true, after: null, limit: 10 })).items).toEqual([]);
    });

    test("marking another member's notifications read by id does nothing to them", async () => {
      const [me, other] = [newId(), newId()];
      const mine = note(me);
      const theirs = note(other);
      await stores.notifications.add(mine);
      await stores.notifications.add(theirs);
      expect(await stores.notifications.markRead(me, [theirs.id, mine.id])).toBe(0);
      expect(await stores.notifications.unreadCount(other)).toBe(1);
      expect((await stores.notifications.get(theirs.id))?.read).toBe(false);
      await stores.notifications.markRead(me, 'all');
      expect(await stores.notifications.unreadCount(other)).toBe(1);
    });

    test("a withdrawn post's notifications disappear for every member, and their unread counts drop", async () => {
      const [a, b] = [newId(), newId()];
      const postId = newId();
      const na = note(a, { postId });
      const nb = note(b, { postId, kind: 'reply', read: true });
      const keep = note(a);
      for (const n of [na, nb, keep]) await stores.notifications.add(n);
      expect(await stores.notifications.unreadCount(a)).toBe(2);
      const gone = await stores.notifications.withdrawPost(postId);
      expect(gone.sort((x, y) => (x.id < y.id ? -1 : 1))).toEqual([na, nb].sort((x, y) => (x.id < y.id ? -1 : 1)));
      expect(await stores.notifications.get(na.id)).toBeNull();
      expect(await stores.notifications.get(nb.id)).toBeNull();
      expect(await stores.notifications.unreadCount(a)).toBe(1);
      expect((await stores.notifications.list(a, { unreadOnly: false, after: null, limit: 10 })).items).toEqual([keep]);
      expect(await stores.notifications.list(b, { unreadOnly: false, after: null, limit: 10 })).toEqual({ items: [], next: null });
      expect(await stores.notifications.withdrawPost(postId)).toEqual([]);
    });

    if (kind !== 'memory') test('a post index entry whose notification is gone or elsewhere is ignored by a withdrawal', async () => {
      const u = newId();
      const postId = newId();
      const real = note(u, { postId });
      const other = note(u);
      await stores.notifications.add(real);
      await stores.notifications.add(other);
      const db = redisOf(stores)!.db;
      await db.client.sadd(db.tagged(`np:${postId}`), `${newId()}|${newId()}`, `${u}|${other.id}`);
      expect(await stores.notifications.withdrawPost(postId)).toEqual([real]);
      expect(await stores.notifications.get(other.id)).toEqual(other);
    });
  });

  describe('e-mail claims', () => {
    test('the right to e-mail a notification is given once', async () => {
      const n = note(newId());
      await stores.notifications.add(n);
      expect(await stores.notifications.claimEmail(n.id)).toBe(true);
      expect(await stores.notifications.claimEmail(n.id)).toBe(false);
      expect(await stores.notifications.claimEmail(newId())).toBe(false);
    });

    test('a notification already read, or withdrawn, is not e-mailed', async () => {
      const u = newId();
      const read = note(u);
      const withdrawn = note(u);
      await stores.notifications.add(read);
      await stores.notifications.add(withdrawn);
      await stores.notifications.markRead(u, [read.id]);
      await stores.notifications.withdrawPost(withdrawn.postId);
      expect(await stores.notifications.claimEmail(read.id)).toBe(false);
      expect(await stores.notifications.claimEmail(withdrawn.id)).toBe(false);
      expect(await stores.notifications.claimEmail(note(u).id)).toBe(false);
    });

    test('ten claims of one notification at once: exactly one gets it', async () => {
      const n = note(newId());
      await stores.notifications.add(n);
      const claims = await Promise.all(Array.from({ length: 10 }, () => stores.notifications.claimEmail(n.id)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('subscriptions and read positions', () => {
    test('a member watches or mutes a thread, and normal takes the choice back', async () => {
      const [a, b, c] = [newId(), newId(), newId()];
      const threadId = newId();
      expect(await stores.notifications.subscription(a, threadId)).toBe('normal');
      await stores.notifications.setSubscription(a, threadId, 'watching');
      await stores.notifications.setSubscription(b, threadId, 'muted');
      await stores.notifications.setSubscription(c, threadId, 'watching');
      await stores.notifications.setSubscription(c, threadId, 'normal');
      await stores.notifications.setSubscription(a, newId(), 'muted');
      expect(await stores.notifications.subscription(a, threadId)).toBe('watching');
      expect(await stores.notifications.subscription(b, threadId)).toBe('muted');
      expect(await stores.notifications.subscription(c, threadId)).toBe('normal');
      expect(await stores.notifications.subscribers(threadId)).toEqual(new Map([[a, 'watching'], [b, 'muted']]));
      expect(await stores.notifications.subscribers(newId())).toEqual(new Map());
    });

    test('a read position only moves forward, and positions come back for the threads asked about', async () => {
      const u = newId();
      const [t1, t2, t3] = [newId(), newId(), newId()];
      await stores.notifications.markThreadRead(u, t1, 5);
      await stores.notifications.markThreadRead(u, t1, 3);
      await stores.notifications.markThreadRead(u, t2, 0);
      await stores.notifications.markThreadRead(u, t2, 12);
      await stores.notifications.markThreadRead(newId(), t3, 7);
      expect(await stores.notifications.readPositions(u, [t1, t2, t3])).toEqual(new Map([[t1, 5], [t2, 12]]));
      expect(await stores.notifications.readPositions(u, [])).toEqual(new Map());
    });

    test("a member's subscriptions and read positions are listed whole, for their threads only", async () => {
      const [u, other] = [newId(), newId()];
      const [watched, muted, dropped, read] = [newId(), newId(), newId(), newId()];
      expect(await stores.notifications.memberThreads(u)).toEqual({ subscriptions: new Map(), readPositions: new Map() });
      await stores.notifications.setSubscription(u, watched, 'watching');
      await stores.notifications.setSubscription(u, muted, 'watching');
      await stores.notifications.setSubscription(u, muted, 'muted');
      await stores.notifications.setSubscription(u, dropped, 'muted');
      await stores.notifications.setSubscription(u, dropped, 'normal');
      await stores.notifications.setSubscription(other, read, 'watching');
      await stores.notifications.markThreadRead(u, watched, 3);
      await stores.notifications.markThreadRead(u, read, 9);
      await stores.notifications.markThreadRead(u, read, 2);
      await stores.notifications.markThreadRead(other, muted, 4);
      expect(await stores.notifications.memberThreads(u)).toEqual({
        subscriptions: new Map([[watched, 'watching'], [muted, 'muted']]),
        readPositions: new Map([[watched, 3], [read, 9]]),
      });
      expect(await stores.notifications.memberThreads(other)).toEqual({ subscriptions: new Map([[read, 'watching']]), readPositions: new Map([[muted, 4]]) });
    });

    if (kind !== 'memory') test("a thread left in the member's list whose level is gone (a change that stopped halfway) is not listed", async () => {
      const u = newId();
      const [kept, stale] = [newId(), newId()];
      await stores.notifications.setSubscription(u, kept, 'watching');
      await stores.notifications.setSubscription(u, stale, 'muted');
      // Taking a level back removes the thread's entry first, then the member's: stop in between.
      const db = redisOf(stores)!.db;
      await db.client.hdel(db.tagged(`ns:${stale}`), u);
      expect((await stores.notifications.memberThreads(u)).subscriptions).toEqual(new Map([[kept, 'watching']]));
    });
  });

  describe('preferences', () => {
    test('a member starts with the defaults, and a change keeps the other preferences', async () => {
      const u = newId();
      expect(await stores.notifications.preferences(u)).toEqual({ emailOnMention: true, emailOnWatched: false, digest: 'off' });
      expect(await stores.notifications.setPreferences(u, { emailOnWatched: true })).toEqual({ emailOnMention: true, emailOnWatched: true, digest: 'off' });
      expect(await stores.notifications.setPreferences(u, { emailOnMention: false, digest: 'weekly' })).toEqual({ emailOnMention: false, emailOnWatched: true, digest: 'weekly' });
      expect(await stores.notifications.preferences(u)).toEqual({ emailOnMention: false, emailOnWatched: true, digest: 'weekly' });
    });

    test('the digest lists follow each change of a member\'s digest', async () => {
      const [a, b] = [newId(), newId()];
      await stores.notifications.setPreferences(a, { digest: 'daily' });
      await stores.notifications.setPreferences(b, { digest: 'weekly' });
      expect(await stores.notifications.digestMembers('daily')).toContain(a);
      expect(await stores.notifications.digestMembers('daily')).not.toContain(b);
      expect(await stores.notifications.digestMembers('weekly')).toContain(b);
      await stores.notifications.setPreferences(a, { digest: 'weekly' });
      await stores.notifications.setPreferences(b, { digest: 'off' });
      await stores.notifications.setPreferences(b, { emailOnWatched: true });
      expect(await stores.notifications.digestMembers('daily')).not.toContain(a);
      const weekly = await stores.notifications.digestMembers('weekly');
      expect(weekly).toContain(a);
      expect(weekly).not.toContain(b);
    });
  });

  describe('forgetting a member', () => {
    test('nothing of a forgotten member is left, and what others have about the same posts stays', async () => {
      const [u, other] = [newId(), newId()];
      const threadId = newId();
      const shared = newId();
      const mine = [note(u, { postId: shared, threadId }), note(u, { threadId, kind: 'watched' }), note(u, { read: true })];
      const theirs = note(other, { postId: shared, threadId });
      for (const n of [...mine, theirs]) await stores.notifications.add(n);
      expect(await stores.notifications.claimEmail(mine[0]!.id)).toBe(true);
      await stores.notifications.setSubscription(u, threadId, 'watching');
      await stores.notifications.setSubscription(other, threadId, 'muted');
      await stores.notifications.markThreadRead(u, threadId, 4);
      await stores.notifications.setPreferences(u, { emailOnMention: false, digest: 'daily' });

      await stores.notifications.forgetUser(u);

      expect(await stores.notifications.list(u, { unreadOnly: false, after: null, limit: 10 })).toEqual({ items: [], next: null });
      expect(await stores.notifications.unreadCount(u)).toBe(0);
      for (const n of mine) expect(await stores.notifications.get(n.id)).toBeNull();
      expect(await stores.notifications.subscribers(threadId)).toEqual(new Map([[other, 'muted']]));
      expect(await stores.notifications.readPositions(u, [threadId])).toEqual(new Map());
      expect(await stores.notifications.memberThreads(u)).toEqual({ subscriptions: new Map(), readPositions: new Map() });
      expect((await stores.notifications.memberThreads(other)).subscriptions).toEqual(new Map([[threadId, 'muted']]));
      expect(await stores.notifications.preferences(u)).toEqual({ emailOnMention: true, emailOnWatched: false, digest: 'off' });
      expect(await stores.notifications.digestMembers('daily')).not.toContain(u);
      expect(await stores.notifications.get(theirs.id)).toEqual(theirs);
      expect(await stores.notifications.withdrawPost(shared)).toEqual([theirs]);

      if (kind !== 'memory') {
        const dump = await dumpRedis(prefix, await redisTarget(kind));
        expect(dump).toContain(other);
        expect(dump).not.toContain(u);
        for (const n of mine) expect(dump).not.toContain(n.id);
      }
    });
  });
});
