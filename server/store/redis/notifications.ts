// Notifications on Redis (issue 19). Being filled in; see the memory store for the semantics.
import type { Preferences, SubscriptionLevel } from '../../../shared/schemas/notifications.js';
import type { NotificationCursor, NotificationPage, NotificationRecord, NotificationStore } from '../notifications.js';
import type { RedisDb } from './db.js';

const todo = (): never => {
  throw new Error('RedisNotificationStore: not implemented yet');
};

export class RedisNotificationStore implements NotificationStore {
  constructor(private db: RedisDb) {}
  async add(_n: NotificationRecord): Promise<boolean> { return todo(); }
  async get(_id: string): Promise<NotificationRecord | null> { return todo(); }
  async list(_u: string, _o: { unreadOnly: boolean; after: NotificationCursor | null; limit: number }): Promise<NotificationPage> { return todo(); }
  async unreadCount(_u: string): Promise<number> { return todo(); }
  async markRead(_u: string, _ids: readonly string[] | 'all'): Promise<number> { return todo(); }
  async withdrawPost(_p: string): Promise<NotificationRecord[]> { return todo(); }
  async claimEmail(_id: string): Promise<boolean> { return todo(); }
  async setSubscription(_u: string, _t: string, _l: SubscriptionLevel): Promise<void> { return todo(); }
  async subscription(_u: string, _t: string): Promise<SubscriptionLevel> { return todo(); }
  async subscribers(_t: string): Promise<Map<string, SubscriptionLevel>> { return todo(); }
  async markThreadRead(_u: string, _t: string, _s: number): Promise<void> { return todo(); }
  async readPositions(_u: string, _t: readonly string[]): Promise<Map<string, number>> { return todo(); }
  async preferences(_u: string): Promise<Preferences> { return todo(); }
  async setPreferences(_u: string, _p: Partial<Preferences>): Promise<Preferences> { return todo(); }
  async digestMembers(_d: 'daily' | 'weekly'): Promise<string[]> { return todo(); }
  async forgetUser(_u: string): Promise<void> { return todo(); }
  protected get redis(): RedisDb { return this.db; }
}
