// The read cache's rules on their own, with a bus the test drives: what is cached, when a read's
// answer must not be cached, and that nothing is served while the invalidation channel is down.
import { ReadCache, type CacheBus } from '../../../server/store/redis/read-cache.js';

class FakeBus implements CacheBus {
  healthy = true;
  published: string[] = [];
  private kinds = new Map<string, { onKey: (k: string) => void; onReset: () => void }>();
  register(kind: string, onKey: (k: string) => void, onReset: () => void) {
    this.kinds.set(kind, { onKey, onReset });
  }
  async publish(kind: string, key: string) {
    this.published.push(`${kind}:${key}`);
  }
  /** A message from another process. */
  deliver(kind: string, key: string) {
    this.kinds.get(kind)!.onKey(key);
  }
  goDown() {
    this.healthy = false;
    for (const k of this.kinds.values()) k.onReset();
  }
  async close() {}
}

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('ReadCache', () => {
  let bus: FakeBus;
  let cache: ReadCache<{ v: number }>;
  let loads: number;
  const loader = (v: number | null) => async () => {
    loads++;
    return { value: v === null ? null : { v } };
  };
  beforeEach(() => {
    bus = new FakeBus();
    cache = new ReadCache(bus, 'user', { max: 100, ttlMs: 10_000 });
    loads = 0;
  });

  test('a loaded value is served from the cache until it is invalidated here or elsewhere', async () => {
    expect(await cache.get('a', loader(1))).toEqual({ v: 1 });
    expect(await cache.get('a', loader(2))).toEqual({ v: 1 });
    expect(loads).toBe(1);
    await cache.invalidate('a');
    expect(bus.published).toEqual(['user:a']);
    expect(await cache.get('a', loader(2))).toEqual({ v: 2 });
    bus.deliver('user', 'a');
    expect(await cache.get('a', loader(3))).toEqual({ v: 3 });
    expect(loads).toBe(3);
  });

  test('messages for another kind leave this cache alone', async () => {
    const other = new ReadCache<string>(bus, 'session', { max: 10, ttlMs: 10_000 });
    await cache.get('a', loader(1));
    await other.get('a', async () => ({ value: 'x' }));
    bus.deliver('session', 'a');
    expect(await cache.get('a', loader(2))).toEqual({ v: 1 });
    expect(await other.get('a', async () => ({ value: 'y' }))).toBe('y');
  });

  test('an answer read while the key was invalidated is returned but not cached', async () => {
    const slow = deferred<{ value: { v: number } }>();
    const reading = cache.get('a', () => slow.promise);
    bus.deliver('user', 'a'); // a write elsewhere lands while the read is in flight
    slow.resolve({ value: { v: 1 } });
    expect(await reading).toEqual({ v: 1 });
    expect(await cache.get('a', loader(2))).toEqual({ v: 2 });
    expect(await cache.get('a', loader(3))).toEqual({ v: 2 });
  });

  test('null (no such record) is never cached', async () => {
    expect(await cache.get('a', loader(null))).toBeNull();
    expect(await cache.get('a', loader(5))).toEqual({ v: 5 });
  });

  test('while the channel is down nothing is served from or put in the cache, and what was cached is gone', async () => {
    await cache.get('a', loader(1));
    bus.goDown();
    expect(cache.size).toBe(0);
    expect(await cache.get('a', loader(2))).toEqual({ v: 2 });
    expect(await cache.get('a', loader(3))).toEqual({ v: 3 });
    bus.healthy = true;
    expect(await cache.get('a', loader(4))).toEqual({ v: 4 });
    expect(await cache.get('a', loader(5))).toEqual({ v: 4 });
  });

  test('a read begun before the channel went down is not cached after it comes back', async () => {
    const slow = deferred<{ value: { v: number } }>();
    const reading = cache.get('a', () => slow.promise);
    bus.goDown();
    bus.healthy = true; // back up, but a message may have been lost in between
    slow.resolve({ value: { v: 1 } });
    await reading;
    expect(await cache.get('a', loader(2))).toEqual({ v: 2 });
  });

  test('an entry expires after the cache TTL, or a shorter one the loader gives', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const timed = new ReadCache<{ v: number }>(bus, 'timed', { max: 10, ttlMs: 10_000, now: clock });
    const short = new ReadCache<{ v: number }>(bus, 'short', { max: 10, ttlMs: 60, now: clock });
    await short.get('a', loader(1));
    await timed.get('b', async () => ({ value: { v: 1 }, ttlMs: 60 }));
    await timed.get('c', async () => ({ value: { v: 1 }, ttlMs: 0 })); // already expired: not cached
    await timed.get('d', loader(1));
    expect(await short.get('a', loader(2))).toEqual({ v: 1 });
    expect(await timed.get('b', loader(2))).toEqual({ v: 1 });
    expect(await timed.get('c', loader(2))).toEqual({ v: 2 });
    now += 100;
    expect(await short.get('a', loader(3))).toEqual({ v: 3 });
    expect(await timed.get('b', loader(3))).toEqual({ v: 3 });
    expect(await timed.get('d', loader(3))).toEqual({ v: 1 }); // the cache's own TTL has not run out
    now += 10_000;
    expect(await timed.get('d', loader(4))).toEqual({ v: 4 });
  });

  test('the cache holds at most `max` entries', async () => {
    const small = new ReadCache<{ v: number }>(bus, 'small', { max: 3, ttlMs: 10_000 });
    for (let i = 0; i < 10; i++) await small.get(`k${i}`, loader(i));
    expect(small.size).toBe(3);
  });
});
