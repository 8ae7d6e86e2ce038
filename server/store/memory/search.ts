import type { FeedEntry, FeedRead, SearchChange, SearchSnapshot, SearchStore } from '../search.js';

/**
 * The search feed and snapshot for the embedded store: one process, so the feed is an array and a
 * waiting read is a promise the next append resolves. Keeps the newest `maxEntries`.
 */
export class MemorySearchStore implements SearchStore {
  private entries: FeedEntry[] = [];
  private next = 1;
  /** Positions up to this one were trimmed away. */
  private trimmedTo = 0;
  private waiters = new Set<() => void>();
  private snapshot: SearchSnapshot | null = null;
  private generation = 0;
  private leases = new Map<string, { owner: string; until: number }>();
  private progress = new Map<string, string>();

  constructor(private maxEntries = 100_000, private now: () => number = Date.now) {}

  async append(changes: readonly SearchChange[]): Promise<string> {
    for (const c of changes) this.entries.push({ kind: c.kind, id: c.id, pos: String(this.next++), ...(c.origin ? { origin: c.origin } : {}) });
    if (this.entries.length > this.maxEntries) {
      const cut = this.entries.length - this.maxEntries;
      this.trimmedTo = Number(this.entries[cut - 1]!.pos);
      this.entries.splice(0, cut);
    }
    for (const wake of [...this.waiters]) wake();
    return this.entries.length ? this.entries[this.entries.length - 1]!.pos : '';
  }

  async read(after: string, count: number, waitMs: number): Promise<FeedRead> {
    const since = after ? Number(after) : 0;
    const take = (): FeedRead => {
      // Positions are consecutive: the first entry after `since` is found by arithmetic, not by a
      // scan of every kept entry on every read.
      const from = this.entries.length ? Math.max(0, since - Number(this.entries[0]!.pos) + 1) : 0;
      return { gap: since < this.trimmedTo, entries: this.entries.slice(from, from + count) };
    };
    const now = take();
    if (now.entries.length || now.gap || waitMs <= 0) return now;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      timer.unref?.();
      this.waiters.add(done);
    });
    return take();
  }

  async head(): Promise<string> {
    return this.entries.length ? this.entries[this.entries.length - 1]!.pos : this.trimmedTo ? String(this.trimmedTo) : '';
  }

  async erase(changes: readonly SearchChange[]): Promise<string> {
    this.snapshot = null;
    this.generation++;
    return this.append(changes);
  }

  async eraseGeneration(): Promise<number> {
    return this.generation;
  }

  async loadSnapshot(): Promise<SearchSnapshot | null> {
    return this.snapshot && { ...this.snapshot };
  }

  async saveSnapshot(s: SearchSnapshot): Promise<boolean> {
    if (s.generation !== this.generation) return false;
    this.snapshot = { ...s };
    return true;
  }

  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(name);
    if (held && held.owner !== owner && held.until > this.now()) return false;
    this.leases.set(name, { owner, until: this.now() + ttlMs });
    return true;
  }

  async release(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }

  async getProgress(name: string): Promise<string | null> {
    return this.progress.get(name) ?? null;
  }

  async setProgress(name: string, value: string | null): Promise<void> {
    if (value === null) this.progress.delete(name);
    else this.progress.set(name, value);
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
  }
}
