import type { FeedEntry, FeedRead, SearchChange, SearchSnapshot, SearchStore } from '../search.js';
import type { RedisClient, RedisDb } from './db.js';

// Layout: every key shares the hash tag {search}, so the erase step (feed entry, snapshot, erase
// generation) is one script on one cluster slot. The feed is a Redis Stream of ids (`k`: p or t,
// `i`: the id), trimmed to about `maxEntries`; the snapshot is a hash (pos, generation, and the
// data in chunks c0…cN).

// KEYS: feed, snapshot, erase generation, snapshot being written. ARGV: maxEntries, then kind/id pairs.
const ERASE = `
local last = ''
for i = 2, #ARGV, 2 do
  last = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'k', ARGV[i], 'i', ARGV[i + 1])
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('INCR', KEYS[3])
return last`;

// The snapshot is written in chunks into its own key, then put in place by this script, which
// refuses it if an erase came meanwhile (the erase also deleted the chunks written so far).
// KEYS: snapshot being written, snapshot, erase generation. ARGV: pos, generation, chunks.
const COMMIT_SNAPSHOT = `
local gen = tonumber(redis.call('GET', KEYS[3]) or '0')
if gen ~= tonumber(ARGV[2]) or redis.call('HLEN', KEYS[1]) ~= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], 'pos', ARGV[1], 'generation', ARGV[2], 'chunks', ARGV[3])
return 1`;

/** Each chunk is one command: a snapshot of tens of MB never blocks Redis in one piece. */
const CHUNK = 1 << 20;

const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/** Stream ids compare as (ms, seq) pairs. */
function before(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am < bm || (am === bm && as < bs);
}

const KIND = { post: 'p', thread: 't' } as const;
const toEntry = ([pos, fields]: [string, string[]]): FeedEntry | null => {
  const f: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  const kind = f.k === 'p' ? 'post' : f.k === 't' ? 'thread' : null;
  if (!kind || !f.i) return null;
  return f.o ? { pos, kind, id: f.i, origin: f.o } : { pos, kind, id: f.i };
};

export class RedisSearchStore implements SearchStore {
  /** Where the last read left its reader at the end of the feed (see read). */
  private caughtUpAt: string | null = null;
  /** Blocking reads wait on a connection of their own, opened on first use. */
  private reader: RedisClient | null = null;

  constructor(private db: RedisDb, private maxEntries = 100_000) {
    db.defineScripts({
      agoraSearchErase: { keys: 4, lua: ERASE },
      agoraSearchCommitSnapshot: { keys: 3, lua: COMMIT_SNAPSHOT },
      agoraSearchLease: { keys: 1, lua: LEASE },
      agoraSearchRelease: { keys: 1, lua: RELEASE },
    });
  }

  private feed = () => this.db.tagged('search', 'feed');
  private snap = () => this.db.tagged('search', 'snapshot');
  private staging = () => this.db.tagged('search', 'snapshot-next');
  private gen = () => this.db.tagged('search', 'erase-generation');
  private leaseKey = (name: string) => this.db.tagged('search', 'lease', name);
  private progressKey = (name: string) => this.db.tagged('search', 'progress', name);

  async append(changes: readonly SearchChange[]): Promise<string> {
    if (!changes.length) return this.head();
    const ids = await this.db.run((r) => Promise.all(changes.map((c) =>
      r.xadd(this.feed(), 'MAXLEN', '~', this.maxEntries, '*', 'k', KIND[c.kind], 'i', c.id, ...(c.origin ? ['o', c.origin] : [])))));
    return ids[ids.length - 1] ?? '';
  }

  async read(after: string, count: number, waitMs: number): Promise<FeedRead> {
    const from = after || '0-0';
    // A reader that the last read left at the feed's end (fewer entries than it asked for) cannot
    // have lost any since: the feed keeps about `maxEntries`. Anyone else is checked for a gap.
    if (after === '' || after !== this.caughtUpAt) {
      const [first] = await this.db.run((r) => r.xrange(this.feed(), '-', '+', 'COUNT', 1));
      // Reading from before the feed's first entry: if the feed was ever trimmed, what came between
      // may be gone (a reader sitting exactly on the last trimmed entry reloads needlessly: rare).
      const gap = !!first && (!after || before(after, first[0])) && (await this.everTrimmed());
      if (gap) return { entries: [], gap: true };
    }
    let raw: [string, [string, string[]][]][] | null;
    if (waitMs > 0) {
      const reader = await this.readerConnection();
      raw = (await this.db.run(() => reader.xread('COUNT', count, 'BLOCK', waitMs, 'STREAMS', this.feed(), from))) as typeof raw;
    } else {
      raw = (await this.db.run((r) => r.xread('COUNT', count, 'STREAMS', this.feed(), from))) as typeof raw;
    }
    const got = raw?.[0]?.[1] ?? [];
    const entries = got.map(toEntry).filter((e): e is FeedEntry => !!e);
    this.caughtUpAt = got.length < count ? (got.length ? got[got.length - 1]![0] : after) : null;
    return { entries, gap: false };
  }

  private async readerConnection(): Promise<RedisClient> {
    if (!this.reader) {
      const reader = this.db.client.duplicate();
      this.reader = reader;
      await this.db.run(() => reader.connect());
    }
    return this.reader;
  }

  /**
   * Whether entries were ever dropped: more added than the stream holds. (`max-deleted-entry-id`
   * would say which, but Redis 7.0 moves it only on XDEL, never when MAXLEN trims.)
   */
  private async everTrimmed(): Promise<boolean> {
    const info = (await this.db.run((r) => r.call('XINFO', 'STREAM', this.feed()))) as unknown[];
    const field = (name: string) => Number(info[info.indexOf(name) + 1]);
    return field('entries-added') > field('length');
  }

  async head(): Promise<string> {
    const [last] = await this.db.run((r) => r.xrevrange(this.feed(), '+', '-', 'COUNT', 1));
    return last?.[0] ?? '';
  }

  async erase(changes: readonly SearchChange[]): Promise<string> {
    const args = changes.flatMap((c) => [KIND[c.kind], c.id]);
    return String(await this.db.run(this.db.script('agoraSearchErase', this.feed(), this.snap(), this.gen(), this.staging(), this.maxEntries, ...args)));
  }

  async eraseGeneration(): Promise<number> {
    return Number((await this.db.run((r) => r.get(this.gen()))) ?? 0);
  }

  async loadSnapshot(): Promise<SearchSnapshot | null> {
    const [pos, generation, chunks] = await this.db.run((r) => r.hmget(this.snap(), 'pos', 'generation', 'chunks'));
    if (pos === null || pos === undefined || !chunks) return null;
    const fields = Array.from({ length: Number(chunks) }, (_, i) => `c${i}`);
    const parts = await this.db.run((r) => r.hmgetBuffer(this.snap(), ...fields));
    // An erase between the two reads deleted the snapshot: nothing to load.
    if (parts.some((p) => !p)) return null;
    return { data: Buffer.concat(parts as Buffer[]).toString('utf8'), pos, generation: Number(generation ?? 0) };
  }

  async saveSnapshot(s: SearchSnapshot): Promise<boolean> {
    const data = Buffer.from(s.data, 'utf8');
    const chunks = Math.max(1, Math.ceil(data.length / CHUNK));
    await this.db.run((r) => r.del(this.staging()));
    for (let i = 0; i < chunks; i++) {
      const part = data.subarray(i * CHUNK, (i + 1) * CHUNK);
      await this.db.run((r) => r.hset(this.staging(), `c${i}`, part));
    }
    return Number(await this.db.run(this.db.script('agoraSearchCommitSnapshot', this.staging(), this.snap(), this.gen(), s.pos, s.generation, chunks))) === 1;
  }

  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.db.run(this.db.script('agoraSearchLease', this.leaseKey(name), owner, ttlMs))) === 1;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db.run(this.db.script('agoraSearchRelease', this.leaseKey(name), owner));
  }

  async getProgress(name: string): Promise<string | null> {
    return this.db.run((r) => r.get(this.progressKey(name)));
  }

  async setProgress(name: string, value: string | null): Promise<void> {
    const key = this.progressKey(name);
    await this.db.run(async (r) => {
      if (value === null) await r.del(key);
      else await r.set(key, value);
    });
  }

  async close(): Promise<void> {
    const reader = this.reader;
    this.reader = null;
    // A blocked XREAD would hold quit() until it times out: cut the connection instead.
    reader?.disconnect();
  }
}
