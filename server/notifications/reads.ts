// A member's side of notifications (API.md, Notifications): their list and unread count, marking
// read, thread subscriptions, how far they read each thread, and the unread counts of thread lists.
import { authorize, can, type Subject } from '../auth/policy.js';
import { NotFound } from '../errors.js';
import type { ForumStore, ThreadRecord } from '../store/forum.js';
import type { NotificationCursor, NotificationStore } from '../store/notifications.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { SubscriptionLevel } from '../../shared/schemas/notifications.js';
import type { MemberChannel } from './service.js';
import { toNotificationView, type NotificationView } from './views.js';

export interface NotificationReadDeps {
  notifications: Pick<NotificationStore, 'list' | 'unreadCount' | 'markRead' | 'setSubscription' | 'markThreadRead' | 'subscription' | 'readPositions'>;
  forum: Pick<ForumStore, 'getThread' | 'getThreads' | 'getPosts' | 'visibleSince'>;
  users: Pick<UserStore, 'getMany'>;
  live: MemberChannel;
}

/**
 * A page of the member's notifications, each shown only while they may still read its post (a
 * removal withdraws them; this is the check for anything that raced it).
 */
export async function listNotifications(deps: NotificationReadDeps, member: UserRecord, opts: { unreadOnly: boolean; after: NotificationCursor | null; limit: number }) {
  const page = await deps.notifications.list(member.id, opts);
  const [threads, posts, actors, unreadCount] = await Promise.all([
    deps.forum.getThreads([...new Set(page.items.map((n) => n.threadId))]),
    deps.forum.getPosts(page.items.map((n) => n.postId)),
    deps.users.getMany([...new Set(page.items.map((n) => n.actorId))]),
    deps.notifications.unreadCount(member.id),
  ]);
  const items: NotificationView[] = [];
  for (const n of page.items) {
    const thread = threads.get(n.threadId);
    const post = posts.get(n.postId);
    if (!thread || !post || !can(member, 'post:find', { post, thread })) continue;
    items.push(toNotificationView(n, thread, actors.get(n.actorId)));
  }
  return { items, next: page.next, unreadCount };
}

/** Marks some (or all) read and tells every open tab of the member. */
export async function markRead(deps: NotificationReadDeps, member: UserRecord, which: string[] | 'all'): Promise<number> {
  const unreadCount = await deps.notifications.markRead(member.id, which);
  deps.live.toMember(member.id, 'notification:read', { ids: which, unreadCount });
  return unreadCount;
}

async function readableThread(deps: NotificationReadDeps, member: UserRecord, threadId: string): Promise<ThreadRecord> {
  const thread = await deps.forum.getThread(threadId);
  if (!thread) throw new NotFound('There is no such thread.');
  authorize(member, 'thread:read', thread);
  return thread;
}

export async function setSubscription(deps: NotificationReadDeps, member: UserRecord, threadId: string, level: SubscriptionLevel): Promise<SubscriptionLevel> {
  await readableThread(deps, member, threadId);
  await deps.notifications.setSubscription(member.id, threadId, level);
  return level;
}

/**
 * The member has read the thread up to `seq`: their position moves on (never back), and their
 * unread notifications about posts up to there are read too (every tab hears of it).
 */
export async function markThreadRead(deps: NotificationReadDeps, member: UserRecord, threadId: string, seq: number): Promise<void> {
  await readableThread(deps, member, threadId);
  await deps.notifications.markThreadRead(member.id, threadId, seq);
  const unread = await deps.notifications.list(member.id, { unreadOnly: true, after: null, limit: 100 });
  const here = unread.items.filter((n) => n.threadId === threadId);
  if (!here.length) return;
  const posts = await deps.forum.getPosts(here.map((n) => n.postId));
  const seen = here.filter((n) => (posts.get(n.postId)?.seq ?? Infinity) <= seq).map((n) => n.id);
  if (seen.length) await markRead(deps, member, seen);
}

/** What a thread's page needs to know of its reader: their subscription and where they stopped reading. */
export async function readerOfThread(deps: NotificationReadDeps, member: UserRecord, threadId: string) {
  const [subscription, positions] = await Promise.all([
    deps.notifications.subscription(member.id, threadId),
    deps.notifications.readPositions(member.id, [threadId]),
  ]);
  return { subscription, lastReadSeq: positions.get(threadId) ?? 0 };
}

/** For a thread list: how many visible posts each thread has that the member has not read. */
export async function unreadCounts(deps: NotificationReadDeps, member: UserRecord, threadIds: readonly string[]): Promise<Map<string, number>> {
  if (!threadIds.length) return new Map();
  const positions = await deps.notifications.readPositions(member.id, threadIds);
  return deps.forum.visibleSince(new Map(threadIds.map((id) => [id, positions.get(id) ?? 0])));
}

/**
 * For the data export: the member's preferences, every notification they have, the threads they
 * watch or muted and how far they read each thread. A thread is named by its id; its title only
 * while the member may read the thread (the policy, as for any reader), never once purged.
 */
export async function exportNotifications(deps: { notifications: Pick<NotificationStore, 'list' | 'preferences' | 'memberThreads'>; forum: Pick<ForumStore, 'getThreads'> }, member: Subject) {
  const { notifications } = deps;
  const items = [];
  let after: NotificationCursor | null = null;
  do {
    const page = await notifications.list(member.id, { unreadOnly: false, after, limit: 500 });
    items.push(...page.items.map(({ id, kind, at, read, actorId, postId, threadId }) => ({ id, kind, at, read, actorId, postId, threadId })));
    after = page.next;
  } while (after);
  const mine = await notifications.memberThreads(member.id);
  const threads = await deps.forum.getThreads([...new Set([...mine.subscriptions.keys(), ...mine.readPositions.keys()])]);
  const titleOf = (threadId: string) => {
    const t = threads.get(threadId);
    return t && !t.purged && can(member, 'thread:read', t) ? t.title : null;
  };
  const byId = <V>(m: Map<string, V>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    preferences: await notifications.preferences(member.id),
    items,
    subscriptions: byId(mine.subscriptions).map(([threadId, level]) => ({ threadId, title: titleOf(threadId), level })),
    readPositions: byId(mine.readPositions).map(([threadId, lastReadSeq]) => ({ threadId, title: titleOf(threadId), lastReadSeq })),
  };
}
