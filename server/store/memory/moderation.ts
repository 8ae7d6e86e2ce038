import type { AddFlagResult, AuditFilter, AuditRecord, Cursor, FlagRecord, FlagStatus, ModerationStore } from '../moderation.js';

const clone = <T>(v: T): T => structuredClone(v);
const newestFirst = (a: AuditRecord, b: AuditRecord) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class MemoryModerationStore implements ModerationStore {
  private flags = new Map<string, FlagRecord>();
  private queued = new Map<string, number>();
  private log: AuditRecord[] = [];

  async addFlag(flag: FlagRecord): Promise<AddFlagResult> {
    const open = [...this.flags.values()].filter((f) => f.postId === flag.postId && f.status === 'open');
    if (open.some((f) => f.byId === flag.byId)) return { ok: false, reason: 'duplicate' };
    this.flags.set(flag.id, clone(flag));
    return { ok: true, openFlaggers: new Set([...open.map((f) => f.byId), flag.byId]).size };
  }

  async getFlag(id: string): Promise<FlagRecord | null> {
    const f = this.flags.get(id);
    return f ? clone(f) : null;
  }

  async flagsOfPost(postId: string): Promise<FlagRecord[]> {
    return [...this.flags.values()].filter((f) => f.postId === postId).map(clone).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async flagsByMember(memberId: string): Promise<FlagRecord[]> {
    return [...this.flags.values()].filter((f) => f.byId === memberId).map(clone);
  }

  async resolveFlags(ids: string[], status: Exclude<FlagStatus, 'open'>, byId: string, at: string): Promise<FlagRecord[]> {
    const out: FlagRecord[] = [];
    for (const id of ids) {
      const f = this.flags.get(id);
      if (!f || f.status !== 'open') continue;
      Object.assign(f, { status, resolvedById: byId, resolvedAt: at });
      out.push(clone(f));
    }
    return out;
  }

  async deleteFlagsBy(memberId: string): Promise<void> {
    for (const [id, f] of this.flags) if (f.byId === memberId) this.flags.delete(id);
  }

  async enqueue(postId: string, at: number): Promise<void> {
    if (!this.queued.has(postId)) this.queued.set(postId, at);
  }

  async dequeue(postId: string): Promise<void> {
    this.queued.delete(postId);
  }

  async queue(offset: number, limit: number): Promise<string[]> {
    return [...this.queued.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(offset, offset + limit).map(([id]) => id);
  }

  async inQueue(postId: string): Promise<boolean> {
    return this.queued.has(postId);
  }

  async appendAudit(entry: AuditRecord): Promise<void> {
    this.log.push(clone(entry));
  }

  async eraseFlaggerReasons(memberId: string): Promise<void> {
    for (const e of this.log) if (e.flaggerId === memberId) Object.assign(e, { reason: '', flaggerId: null });
  }

  async audit(filter: AuditFilter, after: Cursor | null, limit: number): Promise<AuditRecord[]> {
    return this.log
      .filter((e) => (!filter.actorId || e.actorId === filter.actorId) && (!filter.action || e.action === filter.action) && (!filter.targetId || e.target.id === filter.targetId))
      .sort(newestFirst)
      .filter((e) => !after || Date.parse(e.at) < after.at || (Date.parse(e.at) === after.at && e.id < after.id))
      .slice(0, limit)
      .map(clone);
  }
}
