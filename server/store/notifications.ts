// Notifications, thread subscriptions, read positions and e-mail preferences (issue 19).
import type { NotificationKind, Preferences, SubscriptionLevel } from '../../shared/schemas/notifications.js';

export interface NotificationRecord {
  /** One per member and post (notificationId): a post never notifies a member twice. */
  id: string;
  userId: string;
  kind: NotificationKind;
  /** ISO time it was made. */
  at: string;
  read: boolean;
  actorId: string;
  postId: string;
  threadId: string;
}

export interface NotificationCursor { at: number; id: string }

export interface NotificationPage { items: NotificationRecord[]; next: NotificationCursor | null }

/** A member's own side of the threads they follow or read (the data export; right of access). */
export interface MemberThreads {
  /** Thread id → the member's explicit level (watching or muted); `normal` is never stored. */
  subscriptions: Map<string, Exclude<SubscriptionLevel, 'normal'>>;
  /** Thread id → the last seq the member read there. */
  readPositions: Map<string, number>;
}

/** The two e-mail choices a fan-out needs to decide whether to schedule a message. */
export type EmailChoices = Pick<Preferences, 'emailOnMention' | 'emailOnWatched'>;

export interface NotificationStore {
  /** Stores it unless one with its id exists; answers whether it was new. */
  add(n: NotificationRecord): Promise<boolean>;
  /** `add` for many at once (a post's fan-out), answering in the same order. */
  addMany(ns: readonly NotificationRecord[]): Promise<boolean[]>;
  get(id: string): Promise<NotificationRecord | null>;
  /** A member's notifications, newest first (keyset-paged), all or unread only. */
  list(userId: string, opts: { unreadOnly: boolean; after: NotificationCursor | null; limit: number }): Promise<NotificationPage>;
  unreadCount(userId: string): Promise<number>;
  /** Marks these of the member's (ids of others' are ignored), or all, read; answers the unread count after. */
  markRead(userId: string, ids: readonly string[] | 'all'): Promise<number>;
  /** Every notification about the post, deleted (the post was removed or purged); answers them. */
  withdrawPost(postId: string): Promise<NotificationRecord[]>;
  /**
   * Claims the right to e-mail this notification, once: true for the first caller only, and only
   * while it still exists and is unread.
   */
  claimEmail(id: string): Promise<boolean>;

  /** `normal` removes any explicit level. */
  setSubscription(userId: string, threadId: string, level: SubscriptionLevel): Promise<void>;
  /** The explicit level, or `normal`. */
  subscription(userId: string, threadId: string): Promise<SubscriptionLevel>;
  /** Members with an explicit level on the thread (watching or muted). */
  subscribers(threadId: string): Promise<Map<string, SubscriptionLevel>>;

  /** Moves the member's read position in the thread forward to `seq` (never back). */
  markThreadRead(userId: string, threadId: string, seq: number): Promise<void>;
  /** The member's read positions for these threads (absent: never read). */
  readPositions(userId: string, threadIds: readonly string[]): Promise<Map<string, number>>;
  /** Every subscription and read position of the member, whatever the thread (the data export). */
  memberThreads(userId: string): Promise<MemberThreads>;

  preferences(userId: string): Promise<Preferences>;
  /** For each member, their e-mail choices only (what a fan-out asks, without the digest). */
  emailChoices(userIds: readonly string[]): Promise<Map<string, EmailChoices>>;
  setPreferences(userId: string, patch: Partial<Preferences>): Promise<Preferences>;
  /** Members whose digest is `daily` or `weekly`. */
  digestMembers(digest: 'daily' | 'weekly'): Promise<string[]>;

  /** Account deletion: every notification, subscription, read position and preference of the member. */
  forgetUser(userId: string): Promise<void>;
}
