import type { AuditRecord, FlagRecord } from '../store/moderation.js';
import type { Authors } from '../forum/views.js';
import { FORMER_MEMBER } from '../forum/views.js';
import type { AuditEntry, Flag } from '../../shared/schemas/index.js';

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

/**
 * `reasonBy`: present when the reason is a member's flag reason (whose words they are); once that
 * member deleted their account, the reason is '' and `reasonBy` the former member.
 */
export function toAuditView(e: AuditRecord, authors: Authors): AuditEntry {
  return {
    id: e.id, at: e.at, actor: ref(e.actorId, authors), action: e.action, target: e.target, reason: e.reason,
    ...(e.flaggerId !== undefined ? { reasonBy: e.flaggerId ? ref(e.flaggerId, authors) : FORMER_MEMBER } : {}),
  };
}

/** Every user id an audit view may name. */
export const userIdsOfAudit = (entries: AuditRecord[]) =>
  entries.flatMap((e) => [e.actorId, e.flaggerId]).filter((id): id is string => !!id);
