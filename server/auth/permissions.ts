import type { ForumPermissions, ThreadPermissions, UserPermissions } from '../../shared/schemas/index.js';
import type { ForumRecord, PostRecord, ThreadRecord } from '../store/forum.js';
import { can, type Subject } from './policy.js';

/**
 * Permission flags the server puts in its answers, so the web app shows a control exactly when
 * the policy would allow its request and repeats no rule of its own. Every flag is a question to
 * server/auth/policy.ts; nothing here compares roles or reads a ban.
 */

/** What the signed-in user may do anywhere (their own `user`): the moderation and admin pages. */
export const userPermissions = (user: Subject): UserPermissions => ({
  moderate: can(user, 'moderate'),
  administer: can(user, 'administer'),
});

/** What this reader may do in a forum (`GET /api/forums/:forumId`): start a thread. */
export const forumPermissions = (user: Subject | null | undefined, forum: Pick<ForumRecord, 'archived'>): ForumPermissions => ({
  post: can(user, 'forum:post', forum),
});

/**
 * A post of this thread as the post rules see it: by `authorId`, visible. The edit and flag rules
 * read only a post's author and status; the flags stand for the posts a reader is shown.
 */
const postBy = (thread: ThreadRecord, authorId: string | null): PostRecord => ({
  id: '', threadId: thread.id, forumId: thread.forumId, authorId, source: null, html: null, createdAt: thread.createdAt,
  editedAt: null, status: 'visible', piiTypes: [], removal: null, heldReason: null, purged: false,
});

/** Nobody's id: a post someone else wrote. */
const SOMEONE_ELSE = '\u0000someone-else';

/**
 * What this reader may do on a thread's page (`GET /api/threads/:threadId`): reply, edit their
 * own posts, edit others' posts (staff), flag others' posts. `forum`: the thread's forum (archived
 * forums are read-only).
 */
export function threadPermissions(user: Subject | null | undefined, thread: ThreadRecord, forum: Pick<ForumRecord, 'archived'> | null): ThreadPermissions {
  const forumArchived = !!forum?.archived;
  const other = { post: postBy(thread, SOMEONE_ELSE), thread, forumArchived };
  return {
    reply: can(user, 'thread:reply', { ...thread, forumArchived }),
    editOwn: !!user && can(user, 'post:edit', { post: postBy(thread, user.id), thread, forumArchived }),
    editOthers: can(user, 'post:edit', other),
    flag: can(user, 'post:flag', other),
  };
}
