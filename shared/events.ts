// The typed socket.io event maps (API.md, Realtime), shared by the server and the browser.
import type { AuditEvent, ForumRefPayload, Notification, Post, Thread, ThreadRefPayload, WatchThreadPayload } from './schemas/index.js';

export interface MissedEvent { event: 'post:created' | 'post:updated' | 'post:removed' | 'post:restored'; payload: unknown }

export interface Ack {
  ok: boolean;
  error?: { code: string; message?: string };
}

export interface WatchAck extends Ack {
  missed?: MissedEvent[];
  reload?: boolean;
  /** The thread's seq when the watch began: events above it are live. */
  seq?: number;
}

export interface ServerToClientEvents {
  'post:created': (p: { seq: number; post: Post }) => void;
  'post:updated': (p: { seq: number; post: Post }) => void;
  'post:removed': (p: { seq: number; postId: string; threadId: string }) => void;
  'post:restored': (p: { seq: number; post: Post }) => void;
  'thread:created': (p: { thread: Thread }) => void;
  'thread:updated': (p: { thread: Thread }) => void;
  /** Ids only, to the thread's and the forum's watchers (moderators included: their pages keep it, marked removed). */
  'thread:removed': (p: { threadId: string; forumId: string }) => void;
  'mod:queue': (p: { kind: string; item: unknown }) => void;
  /** Every audit entry as it is written, to moderators on every process. */
  'mod:audit': (p: AuditEvent) => void;
  /** To every open tab of the member it is for, on every process. */
  'notification:new': (p: { notification: Notification }) => void;
  /** The post behind it was removed or purged (or its thread removed): it is gone. */
  'notification:withdrawn': (p: { id: string }) => void;
  /** Marked read in one tab: every other tab of the member follows. */
  'notification:read': (p: { ids: string[] | 'all'; unreadCount: number }) => void;
}

export interface ClientToServerEvents {
  'thread:watch': (p: WatchThreadPayload, ack: (a: WatchAck) => void) => void;
  'thread:unwatch': (p: ThreadRefPayload, ack?: (a: Ack) => void) => void;
  'forum:watch': (p: ForumRefPayload, ack?: (a: Ack) => void) => void;
  'forum:unwatch': (p: ForumRefPayload, ack?: (a: Ack) => void) => void;
  'mod:watch': (ack?: (a: Ack) => void) => void;
}
