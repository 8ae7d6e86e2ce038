// The forum's reads with what they say of their signed-in reader (API.md, Notifications): a thread
// list's unread counts, a thread's subscription and read position. One call per route: the read,
// then the reader's side of it from notifications/reads.ts (absent for anonymous readers, or when
// notifications are not wired in).
import type { ThreadCursor } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { readerOfThread, unreadCounts, type NotificationReadDeps } from '../notifications/reads.js';
import { getThread, listThreads, type ForumReadDeps } from './reads.js';
import { viewerFor } from './views.js';

export type ReaderReadDeps = ForumReadDeps & { readers?: NotificationReadDeps };

/** A page of the forum's threads the reader may see, and for a member how many posts of each they have not read. */
export async function threadsForReader(deps: ReaderReadDeps, user: UserRecord | undefined, forumId: string, after: ThreadCursor | null, limit: number) {
  const page = await listThreads(deps, viewerFor(user), forumId, after, limit);
  const unread = user && deps.readers ? await unreadCounts(deps.readers, user, page.items.map((t) => t.id)) : null;
  return { ...page, unread };
}

/** The thread, and for a member their subscription to it and the last seq they read. */
export async function threadForReader(deps: ReaderReadDeps, user: UserRecord | undefined, threadId: string) {
  const read = await getThread(deps, viewerFor(user), threadId);
  const reader = user && deps.readers ? await readerOfThread(deps.readers, user, read.thread.id) : null;
  return { ...read, reader };
}
