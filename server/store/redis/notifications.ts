import { DEFAULT_PREFERENCES, type Preferences, type SubscriptionLevel } from '../../../shared/schemas/notifications.js';
import type { EmailChoices, MemberThreads, NotificationCursor, NotificationPage, NotificationRecord, NotificationStore } from '../notifications.js';
import type { RedisDb } from './db.js';
import { ADD, CLAIM_EMAIL, FETCH, MARK_READ, PAGE, SET_DIGEST, THREAD_READ, WITHDRAW } from './notification-scripts.js';

// Layout (Cluster-safe: every atomic step touches the keys of one hash tag):
// - {n:<userId>}: rec, time, unread, emailed (see notification-scripts.ts); reads (hash thread →
//   seq); prefs (hash of the e-mail booleans); subs (set of the threads the member has a level on,
//   so that forgetUser and memberThreads find them; it may name a thread whose level is already
//   gone, never miss one that has a level: the thread's {ns:…} entry holds the level itself).
// - {nid}: hash notification id → userId. get and claimEmail are given only the id; the id is the
//   caller's, so the owner is looked up here rather than read out of it.
// - {np:<postId>}: set of `userId|notificationId`, for withdrawPost.
// - {ns:<threadId>}: hash userId → level (watching or muted), for subscribers.
// - {ndigest}: daily and weekly, sets of userIds. A member's digest choice lives only here, so the
//   sets can never disagree with their preferences.
// Cross-slot writes go in the order that keeps every leftover harmless and findable: the member's
// own step first, then the indexes pointing at it (a lost index write is repaired by adding again:
// add rewrites them even when the notification exists); on removal the indexes go first and the
// member's keys last, so a forgetUser that stopped halfway finds the rest when it runs again.
// A dangling index entry (an id whose notification is gone) finds nothing and does nothing.

const CHUNK = 500;
const chunks = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));
const BOOLEANS = ['emailOnMention', 'emailOnWatched'] as const;

/** withRead pairs (JSON, '1' read / '0' unread) from a script, as records. */
function records(pairs: unknown): NotificationRecord[] {
  const raw = pairs as string[];
  const out: NotificationRecord[] = [];
  for (let i = 0; i < raw.length; i += 2) out.push({ ...(JSON.parse(raw[i]!) as Omit<NotificationRecord, 'read'>), read: raw[i + 1] === '1' });
  return out;
}

export class RedisNotificationStore implements NotificationStore {
  constructor(private db: RedisDb) {
    db.defineScripts({
      agoraNotifyAdd: { keys: 3, lua: ADD },
      agoraNotifyFetch: { keys: 2, lua: FETCH },
      agoraNotifyPage: { keys: 3, lua: PAGE },
      agoraNotifyMarkRead: { keys: 1, lua: MARK_READ },
      agoraNotifyWithdraw: { keys: 3, lua: WITHDRAW },
      agoraNotifyClaimEmail: { keys: 3, lua: CLAIM_EMAIL },
      agoraNotifyThreadRead: { keys: 1, lua: THREAD_READ },
      agoraNotifySetDigest: { keys: 2, lua: SET_DIGEST },
    });
  }

  private member = (userId: string, part: string) => this.db.tagged(`n:${userId}`, part);
  private owners = () => this.db.tagged('nid');
  private byPost = (postId: string) => this.db.tagged(`np:${postId}`);
  private byThread = (threadId: string) => this.db.tagged(`ns:${threadId}`);
  private digest = (d: 'daily' | 'weekly') => this.db.tagged('ndigest', d);

  async add(n: NotificationRecord): Promise<boolean> {
    return (await this.addMany([n]))[0]!;
  }

  /**
   * Each member's own step (one script on their slot), then the indexes for all of them: one HSET
   * of every owner and one SADD per post, instead of two commands per notification.
   */
  async addMany(ns: readonly NotificationRecord[]): Promise<boolean[]> {
    if (!ns.length) return [];
    const added = await this.db.run((r) => Promise.all(ns.map((n) => {
      const { read, ...stored } = n;
      return this.db.script('agoraNotifyAdd',
        this.member(n.userId, 'rec'), this.member(n.userId, 'time'), this.member(n.userId, 'unread'),
        n.id, JSON.stringify(stored), Date.parse(n.at), read ? '0' : '1')(r);
    })));
    const byPost = new Map<string, string[]>();
    for (const n of ns) {
      const entries = byPost.get(n.postId) ?? [];
      entries.push(`${n.userId}|${n.id}`);
      byPost.set(n.postId, entries);
    }
    await this.db.run((r) => Promise.all([
      r.hset(this.owners(), ...ns.flatMap((n) => [n.id, n.userId])),
      ...[...byPost].map(([postId, entries]) => r.sadd(this.byPost(postId), ...entries)),
    ]));
    return added.map((a) => a === 1);
  }

  private async fetch(userId: string, ids: readonly string[]): Promise<NotificationRecord[]> {
    if (!ids.length) return [];
    return records(await this.db.run(this.db.script('agoraNotifyFetch', this.member(userId, 'rec'), this.member(userId, 'unread'), ...ids)));
  }

  async get(id: string): Promise<NotificationRecord | null> {
    const userId = await this.db.run((r) => r.hget(this.owners(), id));
    if (!userId) return null;
    const [n] = await this.fetch(userId, [id]);
    return n ?? null;
  }

  async list(userId: string, opts: { unreadOnly: boolean; after: NotificationCursor | null; limit: number }): Promise<NotificationPage> {
    const found = records(await this.db.run(this.db.script('agoraNotifyPage',
      this.member(userId, opts.unreadOnly ? 'unread' : 'time'), this.member(userId, 'rec'), this.member(userId, 'unread'),
      opts.after ? opts.after.at : '', opts.after?.id ?? '', opts.limit + 1)));
    const items = found.slice(0, opts.limit);
    const last = items[items.length - 1];
    return { items, next: found.length > opts.limit && last ? { at: Date.parse(last.at), id: last.id } : null };
  }

  async unreadCount(userId: string): Promise<number> {
    return this.db.run((r) => r.zcard(this.member(userId, 'unread')));
  }

  async markRead(userId: string, ids: readonly string[] | 'all'): Promise<number> {
    const args = ids === 'all' ? ['all'] : ['ids', ...ids];
    return Number(await this.db.run(this.db.script('agoraNotifyMarkRead', this.member(userId, 'unread'), ...args)));
  }

  async withdrawPost(postId: string): Promise<NotificationRecord[]> {
    const entries = await this.db.run((r) => r.smembers(this.byPost(postId)));
    const byUser = new Map<string, string[]>();
    for (const e of entries) {
      const bar = e.indexOf('|');
      if (bar < 0) continue;
      const userId = e.slice(0, bar);
      byUser.set(userId, [...(byUser.get(userId) ?? []), e.slice(bar + 1)]);
    }
    const gone: NotificationRecord[] = [];
    for (const [userId, ids] of byUser) {
      gone.push(...records(await this.db.run(this.db.script('agoraNotifyWithdraw',
        this.member(userId, 'rec'), this.member(userId, 'time'), this.member(userId, 'unread'), postId, ...ids))));
      // Only the ids this withdrawal deleted (an entry whose notification was already gone says nothing).
      const deleted = gone.filter((n) => n.userId === userId).map((n) => n.id);
      if (deleted.length) await this.db.run((r) => r.hdel(this.owners(), ...deleted));
    }
    // Only the entries read: one added meanwhile stays for the next withdrawal to find.
    for (const part of chunks(entries)) await this.db.run((r) => r.srem(this.byPost(postId), ...part));
    return gone;
  }

  async claimEmail(id: string): Promise<boolean> {
    const userId = await this.db.run((r) => r.hget(this.owners(), id));
    if (!userId) return false;
    const claimed = await this.db.run(this.db.script('agoraNotifyClaimEmail',
      this.member(userId, 'rec'), this.member(userId, 'unread'), this.member(userId, 'emailed'), id));
    return claimed === 1;
  }

  async setSubscription(userId: string, threadId: string, level: SubscriptionLevel): Promise<void> {
    // The member's own list is written before and cleared after the thread's entry, so forgetUser,
    // which finds the entries through the list, never misses one.
    if (level === 'normal') {
      await this.db.run((r) => r.hdel(this.byThread(threadId), userId));
      await this.db.run((r) => r.srem(this.member(userId, 'subs'), threadId));
    } else {
      await this.db.run((r) => r.sadd(this.member(userId, 'subs'), threadId));
      await this.db.run((r) => r.hset(this.byThread(threadId), userId, level));
    }
  }

  async subscription(userId: string, threadId: string): Promise<SubscriptionLevel> {
    const level = await this.db.run((r) => r.hget(this.byThread(threadId), userId));
    return (level as SubscriptionLevel | null) ?? 'normal';
  }

  async subscribers(threadId: string): Promise<Map<string, SubscriptionLevel>> {
    const all = await this.db.run((r) => r.hgetall(this.byThread(threadId)));
    return new Map(Object.entries(all) as [string, SubscriptionLevel][]);
  }

  async markThreadRead(userId: string, threadId: string, seq: number): Promise<void> {
    await this.db.run(this.db.script('agoraNotifyThreadRead', this.member(userId, 'reads'), threadId, seq));
  }

  async readPositions(userId: string, threadIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!threadIds.length) return out;
    const seqs = await this.db.run((r) => r.hmget(this.member(userId, 'reads'), ...threadIds));
    threadIds.forEach((t, i) => {
      const seq = seqs[i];
      if (seq != null) out.set(t, Number(seq));
    });
    return out;
  }

  async memberThreads(userId: string): Promise<MemberThreads> {
    const [threads, reads] = await this.db.run((r) => Promise.all([r.smembers(this.member(userId, 'subs')), r.hgetall(this.member(userId, 'reads'))]));
    const subscriptions: MemberThreads['subscriptions'] = new Map();
    // One single-key read per thread ({ns:<threadId>} is a slot of its own on a cluster).
    for (const part of chunks(threads)) {
      const levels = await this.db.run((r) => Promise.all(part.map((t) => r.hget(this.byThread(t), userId))));
      part.forEach((t, i) => {
        const level = levels[i];
        if (level === 'watching' || level === 'muted') subscriptions.set(t, level);
      });
    }
    return { subscriptions, readPositions: new Map(Object.entries(reads).map(([t, seq]) => [t, Number(seq)])) };
  }

  async preferences(userId: string): Promise<Preferences> {
    const [flags, daily, weekly] = await this.db.run((r) => Promise.all([
      r.hmget(this.member(userId, 'prefs'), ...BOOLEANS),
      r.sismember(this.digest('daily'), userId),
      r.sismember(this.digest('weekly'), userId),
    ]));
    const prefs: Preferences = { ...DEFAULT_PREFERENCES, digest: daily ? 'daily' : weekly ? 'weekly' : 'off' };
    BOOLEANS.forEach((k, i) => {
      if (flags[i] != null) prefs[k] = flags[i] === '1';
    });
    return prefs;
  }

  async emailChoices(userIds: readonly string[]): Promise<Map<string, EmailChoices>> {
    const flags = await this.db.run((r) => Promise.all(userIds.map((id) => r.hmget(this.member(id, 'prefs'), ...BOOLEANS))));
    return new Map(userIds.map((id, i) => {
      const [mention, watched] = flags[i]!;
      return [id, {
        emailOnMention: mention == null ? DEFAULT_PREFERENCES.emailOnMention : mention === '1',
        emailOnWatched: watched == null ? DEFAULT_PREFERENCES.emailOnWatched : watched === '1',
      }];
    }));
  }

  async setPreferences(userId: string, patch: Partial<Preferences>): Promise<Preferences> {
    const flags = BOOLEANS.filter((k) => patch[k] !== undefined).flatMap((k) => [k, patch[k] ? '1' : '0']);
    if (flags.length) await this.db.run((r) => r.hset(this.member(userId, 'prefs'), ...flags));
    if (patch.digest !== undefined) await this.setDigest(userId, patch.digest);
    return this.preferences(userId);
  }

  private async setDigest(userId: string, digest: Preferences['digest']): Promise<void> {
    await this.db.run(this.db.script('agoraNotifySetDigest', this.digest('daily'), this.digest('weekly'), userId, digest));
  }

  async digestMembers(digest: 'daily' | 'weekly'): Promise<string[]> {
    return this.db.run((r) => r.smembers(this.digest(digest)));
  }

  async forgetUser(userId: string): Promise<void> {
    const [stored, threads] = await this.db.run((r) => Promise.all([r.hgetall(this.member(userId, 'rec')), r.smembers(this.member(userId, 'subs'))]));
    const ids = Object.keys(stored);
    const posts = new Map<string, string[]>();
    for (const [id, raw] of Object.entries(stored)) {
      const { postId } = JSON.parse(raw) as NotificationRecord;
      posts.set(postId, [...(posts.get(postId) ?? []), `${userId}|${id}`]);
    }
    await this.db.run(async (r) => {
      for (const [postId, entries] of posts) await r.srem(this.byPost(postId), ...entries);
      for (const part of chunks(ids)) await r.hdel(this.owners(), ...part);
      for (const threadId of threads) await r.hdel(this.byThread(threadId), userId);
    });
    await this.setDigest(userId, 'off');
    // Last, and in one step (one hash tag): what the indexes above were found through.
    const parts = ['rec', 'time', 'unread', 'emailed', 'reads', 'prefs', 'subs'];
    await this.db.run((r) => r.del(...parts.map((p) => this.member(userId, p))));
  }
}
