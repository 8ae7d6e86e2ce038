import type { AuditRecord, FlagRecord } from '../store/moderation.js';
import type { ThreadRecord } from '../store/forum.js';
import type { Authors } from '../forum/views.js';
import { FORMER_MEMBER } from '../forum/views.js';
import type { AdminUser, AuditEntry, AuditTarget, Flag, ModUser } from '../../shared/schemas/index.js';
import type { UserRecord } from '../store/users.js';
import { toPublicUser } from '../auth/users.js';
import type { AuditNames } from './audit-names.js';
import type { AdminUserRow } from './admin.js';

const ref = (id: string, authors: Authors) => {
  const u = authors.get(id);
  return u ? { id: u.id, username: u.username } : FORMER_MEMBER;
};

/** A flag as moderators see it (who filed it included); members see their own without `by`. */
export function toFlagView(f: FlagRecord, authors: Authors, forModerator: boolean): Flag {
  return {
    id: f.id, postId: f.postId, threadId: f.threadId, reason: f.reason, createdAt: f.createdAt, status: f.status,
    ...(forModerator ? { by: ref(f.byId, authors), resolvedAt: f.resolvedAt } : {}),
  };
}

/** A purged thread's title is gone for good; a removed one's is for staff (the audit is staff-only). */
const titleOf = (t: ThreadRecord | undefined) => (t && !t.purged ? t.title : null);

/** The target named for the page: a post by its thread, a thread or forum by its title, a user by name. */
function targetView(target: AuditRecord['target'], names: AuditNames): AuditTarget {
  const { id } = target;
  switch (target.kind) {
    case 'post': {
      const post = names.posts.get(id);
      return post ? { kind: 'post', id, thread: { id: post.threadId, title: titleOf(names.threads.get(post.threadId)) } } : { kind: 'post', id };
    }
    case 'thread':
      return { kind: 'thread', id, title: titleOf(names.threads.get(id)) };
    case 'user':
      return { kind: 'user', id, user: ref(id, names.users) };
    case 'forum':
      return { kind: 'forum', id, title: names.forums.get(id)?.title ?? null };
  }
}

/**
 * `reasonBy`: present when the reason is a member's flag reason (whose words they are); once that
 * member deleted their account, the reason is '' and `reasonBy` the former member. `names` comes
 * from `auditNames` (one batched read for a page of entries).
 */
export function toAuditView(e: AuditRecord, names: AuditNames): AuditEntry {
  return {
    id: e.id, at: e.at, actor: ref(e.actorId, names.users), action: e.action, target: targetView(e.target, names), reason: e.reason,
    ...(e.flaggerId !== undefined ? { reasonBy: e.flaggerId ? ref(e.flaggerId, names.users) : FORMER_MEMBER } : {}),
  };
}

/** A user as the ban route answers: the ban without who set it. */
export const toBannedUserView = (user: UserRecord): ModUser =>
  ({ ...toPublicUser(user), ban: user.ban && { reason: user.ban.reason, at: user.ban.at, until: user.ban.until } });

/** A user as the moderators' lookup (`GET /api/mod/users`) answers: the ban as it stands. */
export const toModUserView = (user: UserRecord): ModUser => ({ ...toPublicUser(user), ban: user.ban });

/** A row of the admins' user list. */
export const toAdminUserView = ({ user, banned, postCount }: AdminUserRow): AdminUser => ({ ...toPublicUser(user), banned, postCount });
