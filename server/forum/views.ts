import type { AuthorRef, Forum, Post, Thread } from '../../shared/api.js';
import type { ForumRecord, PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { can, isStaff, ownsOrStaff, standing, type Subject } from '../auth/policy.js';

export interface Viewer { id: string; role: UserRecord['role'] }

/**
 * Who reads, from their current account record, with the role they stand in (policy.standing: a
 * banned moderator reads as a member does). HTTP routes and socket handlers both ask this.
 */
export const viewerFor = (user: Subject | null | undefined): Viewer | null =>
  user ? { id: user.id, role: standing(user) } : null;

export type Authors = Map<string, UserRecord>;

/** Shown for posts kept after their author deleted the account ("former member"). */
export const FORMER_MEMBER: AuthorRef = { id: 'former-member', username: 'former member' };

function authorRef(id: string | null, authors: Authors): AuthorRef | null {
  if (!id) return FORMER_MEMBER;
  const u = authors.get(id);
  return u ? { id: u.id, username: u.username } : FORMER_MEMBER;
}

/** Hears of the post's privileged events (its author and staff). */
export const isPrivileged = ownsOrStaff;

/** A held post exists only for moderators and its author (policy, `post:read`). */
export const canSee = (post: PostRecord, viewer: Viewer | null): boolean => can(viewer, 'post:read', { post, thread: null });

/**
 * The one place a post becomes what a viewer may see. A removed post is a tombstone to all
 * but moderators; moderators also get the removal and the removed html. Its author gets the
 * tombstone with why and when it was removed, never who removed it (moderators stay private).
 */
export function toPostView(post: PostRecord, viewer: Viewer | null, authors: Authors): Post {
  const mod = isStaff(viewer);
  const base = {
    id: post.id,
    threadId: post.threadId,
    forumId: post.forumId,
    createdAt: post.createdAt,
    editedAt: post.editedAt,
    status: post.status,
    // Where it stands in its thread: the web app puts the "new" divider before the first post
    // past the reader's last read seq.
    ...(post.seq !== undefined ? { seq: post.seq } : {}),
  };
  if (post.status === 'removed' && !mod) {
    const tombstone: Post = { ...base, author: null, html: null, piiTypes: [] };
    if (post.removal && ownsOrStaff(post, viewer)) tombstone.removal = { reason: post.removal.reason, at: post.removal.at };
    return tombstone;
  }
  const view: Post = { ...base, author: authorRef(post.authorId, authors), html: post.html, piiTypes: post.piiTypes };
  if (mod) {
    if (post.removal) view.removal = { by: authorRef(post.removal.byId, authors) ?? FORMER_MEMBER, reason: post.removal.reason, at: post.removal.at };
    if (post.purged) view.purged = true;
  }
  return view;
}

/** Every user id a post view may name (author and remover), for one batched lookup. */
export const userIdsOf = (posts: PostRecord[]) =>
  posts.flatMap((p) => [p.authorId, p.removal?.byId]).filter((id): id is string => !!id);

/** Whether the thread exists for this viewer (policy, `thread:read`). */
export const canSeeThread = (t: ThreadRecord, viewer: Viewer | null) => can(viewer, 'thread:read', t);

/** `viewer` decides whether the removal shows (moderators); callers have asked canSeeThread first. */
export function toThreadView(t: ThreadRecord, authors: Authors, viewer: Viewer | null = null): Thread {
  const view: Thread = {
    id: t.id, forumId: t.forumId, title: t.title, author: authorRef(t.authorId, authors),
    createdAt: t.createdAt, lastPostAt: t.lastPostAt, postCount: t.postCount, locked: t.locked,
  };
  if (isStaff(viewer)) {
    if (t.removal) view.removal = { by: authorRef(t.removal.byId, authors) ?? FORMER_MEMBER, reason: t.removal.reason, at: t.removal.at };
    if (t.purged) view.purged = true;
  }
  return view;
}

/** A thread in a forum's list; for a member, with how many of its posts they have not read. */
export const toThreadListView = (t: ThreadRecord, authors: Authors, viewer: Viewer | null, unread: Map<string, number> | null): Thread => ({
  ...toThreadView(t, authors, viewer), ...(unread ? { unreadCount: unread.get(t.id) ?? 0 } : {}),
});

/** A thread's own page; for a member, with their subscription and the seq they have read up to. */
export const toThreadPageView = (t: ThreadRecord, authors: Authors, viewer: Viewer | null, reader: Pick<Thread, 'subscription' | 'lastReadSeq'> | null): Thread => ({
  ...toThreadView(t, authors, viewer), ...(reader ?? {}),
});

/** Every user id a thread view may name (starter and remover), for one batched lookup. */
export const userIdsOfThreads = (threads: ThreadRecord[]) =>
  threads.flatMap((t) => [t.authorId, t.removal?.byId]).filter((id): id is string => !!id);

export const toForumView = (f: ForumRecord): Forum => ({
  id: f.id, slug: f.slug, title: f.title, description: f.description, position: f.position ?? 0, archived: f.archived ?? false,
});
