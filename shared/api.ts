// The API's shapes (API.md), shared by the server and the browser.
import type { PiiFinding, PiiType } from './pii/index.js';

export type Role = 'member' | 'moderator' | 'admin';

export interface User {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  /** Only for the user themself. */
  referralCode?: string;
  banned?: boolean;
  bannedUntil?: string | null;
}

export interface AuthorRef { id: string; username: string }

export interface Forum { id: string; slug: string; title: string; description: string }

export interface Thread {
  id: string;
  forumId: string;
  title: string;
  author: AuthorRef | null;
  createdAt: string;
  lastPostAt: string;
  postCount: number;
  locked: boolean;
  /** Moderators only: set while the thread is removed (everyone else gets 404). */
  removal?: Removal;
  /** Moderators only: the title and every post's content were purged for good. */
  purged?: boolean;
}

export type PostStatus = 'visible' | 'held' | 'removed';

export interface Removal { by: AuthorRef; reason: string; at: string }

export interface Post {
  id: string;
  threadId: string;
  forumId: string;
  author: AuthorRef | null;
  html: string | null;
  createdAt: string;
  editedAt: string | null;
  status: PostStatus;
  piiTypes: PiiType[];
  /** Moderators only. */
  removal?: Removal;
  /** True when the content was purged for good (moderators see it). */
  purged?: boolean;
}

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { field?: string; findings?: PiiFinding[]; [k: string]: unknown } };
}
