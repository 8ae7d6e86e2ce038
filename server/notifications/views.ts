import type { NotificationRecord } from '../store/notifications.js';
import type { ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import type { Notification } from '../../shared/schemas/notifications.js';
import { FORMER_MEMBER } from '../forum/views.js';

export type NotificationView = Notification;

/** What a member sees of one of their notifications: who, where, and the thread's current title. */
export function toNotificationView(n: NotificationRecord, thread: Pick<ThreadRecord, 'id' | 'title'>, actor: UserRecord | undefined): NotificationView {
  return {
    id: n.id, kind: n.kind, at: n.at, read: n.read,
    actor: actor ? { id: actor.id, username: actor.username } : FORMER_MEMBER,
    post: { id: n.postId, threadId: n.threadId },
    thread: { id: thread.id, title: thread.title },
  };
}
