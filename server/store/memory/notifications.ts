import { DEFAULT_PREFERENCES, type Preferences, type SubscriptionLevel } from '../../../shared/schemas/notifications.js';
import type { EmailChoices, MemberThreads, NotificationCursor, NotificationPage, NotificationRecord, NotificationStore } from '../notifications.js';

const clone = <T>(v: T): T => structuredClone(v);
const atOf = (n: NotificationRecord) => Date.parse(n.at);
/** Newest first; equal times by id, descending (the order Redis uses for equal scores). */
const newestFirst = (a: NotificationRecord, b: NotificationRecord) => atOf(b) - atOf(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const after = (n: NotificationRecord, c: NotificationCursor) => atOf(n) < c.at || (atOf(n) === c.at && n.id < c.id);

export class MemoryNotificationStore implements NotificationStore {
  private items = new Map<string, NotificationRecord>();
  private emailed = new Set<string>();
  private subs = new Map<string, Map<string, SubscriptionLevel>>();
  private reads = new Map<string, Map<string, number>>();
  private prefs = new Map<string, Preferences>();

  async add(n: NotificationRecord): Promise<boolean> {
    if (this.items.has(n.id)) return false;
    this.items.set(n.id, clone(n));
    return true;
  }

  async addMany(ns: readonly NotificationRecord[]): Promise<boolean[]> {
    const added: boolean[] = [];
    for (const n of ns) added.push(await this.add(n));
    return added;
  }

  async get(id: string): Promise<NotificationRecord | null> {
    const n = this.items.get(id);
    return n ? clone(n) : null;
  }

  async list(userId: string, opts: { unreadOnly: boolean; after: NotificationCursor | null; limit: number }): Promise<NotificationPage> {
    const mine = [...this.items.values()]
      .filter((n) => n.userId === userId && (!opts.unreadOnly || !n.read) && (!opts.after || after(n, opts.after)))
      .sort(newestFirst);
    const items = mine.slice(0, opts.limit).map(clone);
    const last = items[items.length - 1];
    return { items, next: mine.length > opts.limit && last ? { at: atOf(last), id: last.id } : null };
  }

  async unreadCount(userId: string): Promise<number> {
    let n = 0;
    for (const i of this.items.values()) if (i.userId === userId && !i.read) n++;
    return n;
  }

  async markRead(userId: string, ids: readonly string[] | 'all'): Promise<number> {
    const wanted = ids === 'all' ? null : new Set(ids);
    for (const n of this.items.values()) if (n.userId === userId && (!wanted || wanted.has(n.id))) n.read = true;
    return this.unreadCount(userId);
  }

  async withdrawPost(postId: string): Promise<NotificationRecord[]> {
    const gone = [...this.items.values()].filter((n) => n.postId === postId);
    for (const n of gone) this.items.delete(n.id);
    return gone.map(clone);
  }

  async claimEmail(id: string): Promise<boolean> {
    const n = this.items.get(id);
    if (!n || n.read || this.emailed.has(id)) return false;
    this.emailed.add(id);
    return true;
  }

  async setSubscription(userId: string, threadId: string, level: SubscriptionLevel): Promise<void> {
    const of = this.subs.get(threadId) ?? new Map<string, SubscriptionLevel>();
    if (level === 'normal') of.delete(userId);
    else of.set(userId, level);
    this.subs.set(threadId, of);
  }

  async subscription(userId: string, threadId: string): Promise<SubscriptionLevel> {
    return this.subs.get(threadId)?.get(userId) ?? 'normal';
  }

  async subscribers(threadId: string): Promise<Map<string, SubscriptionLevel>> {
    return new Map(this.subs.get(threadId) ?? []);
  }

  async markThreadRead(userId: string, threadId: string, seq: number): Promise<void> {
    const of = this.reads.get(userId) ?? new Map<string, number>();
    of.set(threadId, Math.max(seq, of.get(threadId) ?? 0));
    this.reads.set(userId, of);
  }

  async readPositions(userId: string, threadIds: readonly string[]): Promise<Map<string, number>> {
    const of = this.reads.get(userId);
    const out = new Map<string, number>();
    for (const t of threadIds) {
      const seq = of?.get(t);
      if (seq !== undefined) out.set(t, seq);
    }
    return out;
  }

  async memberThreads(userId: string): Promise<MemberThreads> {
    const subscriptions: MemberThreads['subscriptions'] = new Map();
    for (const [threadId, of] of this.subs) {
      const level = of.get(userId);
      if (level && level !== 'normal') subscriptions.set(threadId, level);
    }
    return { subscriptions, readPositions: new Map(this.reads.get(userId) ?? []) };
  }

  async preferences(userId: string): Promise<Preferences> {
    return { ...DEFAULT_PREFERENCES, ...this.prefs.get(userId) };
  }

  async emailChoices(userIds: readonly string[]): Promise<Map<string, EmailChoices>> {
    const out = new Map<string, EmailChoices>();
    for (const id of userIds) {
      const { emailOnMention, emailOnWatched } = await this.preferences(id);
      out.set(id, { emailOnMention, emailOnWatched });
    }
    return out;
  }

  async setPreferences(userId: string, patch: Partial<Preferences>): Promise<Preferences> {
    const next = { ...(await this.preferences(userId)), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    this.prefs.set(userId, next);
    return { ...next };
  }

  async digestMembers(digest: 'daily' | 'weekly'): Promise<string[]> {
    return [...this.prefs.entries()].filter(([, p]) => p.digest === digest).map(([id]) => id);
  }

  async forgetUser(userId: string): Promise<void> {
    for (const [id, n] of this.items) {
      if (n.userId === userId) {
        this.items.delete(id);
        this.emailed.delete(id);
      }
    }
    for (const of of this.subs.values()) of.delete(userId);
    this.reads.delete(userId);
    this.prefs.delete(userId);
  }
}
