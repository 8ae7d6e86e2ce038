import type { SessionStore } from '../sessions.js';

interface Entry { data: string; expiresAt: number; userId: string | null }

export class MemorySessionStore implements SessionStore {
  private sessions = new Map<string, Entry>();
  private byUser = new Map<string, Set<string>>();
  private sweeper: NodeJS.Timeout;

  constructor(private now: () => number = Date.now) {
    // Expired sessions would otherwise stay until read; sweep them so memory stays bounded.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(sid: string): Entry | null {
    const e = this.sessions.get(sid);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.remove(sid);
      return null;
    }
    return e;
  }

  private remove(sid: string): void {
    const e = this.sessions.get(sid);
    this.sessions.delete(sid);
    if (e?.userId) this.byUser.get(e.userId)?.delete(sid);
  }

  private sweep(): void {
    for (const sid of [...this.sessions.keys()]) this.live(sid);
  }

  async get(sid: string): Promise<string | null> {
    return this.live(sid)?.data ?? null;
  }

  async set(sid: string, data: string, ttlMs: number, userId: string | null): Promise<void> {
    const prev = this.sessions.get(sid);
    if (prev?.userId && prev.userId !== userId) this.byUser.get(prev.userId)?.delete(sid);
    this.sessions.set(sid, { data, expiresAt: this.now() + ttlMs, userId });
    if (userId) {
      let set = this.byUser.get(userId);
      if (!set) this.byUser.set(userId, (set = new Set()));
      set.add(sid);
    }
  }


  async destroy(sid: string): Promise<void> {
    this.remove(sid);
  }

  async listForUser(userId: string): Promise<string[]> {
    return [...(this.byUser.get(userId) ?? [])].filter((sid) => this.live(sid) !== null);
  }

  async destroyForUser(userId: string, exceptSid?: string): Promise<number> {
    let n = 0;
    for (const sid of await this.listForUser(userId)) {
      if (sid === exceptSid) continue;
      this.remove(sid);
      n++;
    }
    if (!exceptSid) this.byUser.delete(userId);
    return n;
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
