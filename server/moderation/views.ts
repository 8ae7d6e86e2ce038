import type { AuditRecord, FlagRecord } from '../store/moderation.js';
import type { Authors } from '../forum/views.js';
import { FORMER_MEMBER } from '../forum/views.js';

const ref = (id: string, authors: Authors) => {
  const u = authors.get(id);
  return u ? { id: u.id, username: u.username } : FORMER_MEMBER;
};

/** A flag as moderators see it (who filed it included); members see their own without `by`. */
export function toFlagView(f: FlagRecord, authors: Authors, forModerator: boolean) {
  return {
    id: f.id, postId: f.postId, threadId: f.threadId, reason: f.reason, createdAt: f.createdAt, status: f.status,
    ...(forModerator ? { by: ref(f.byId, authors), resolvedAt: f.resolvedAt } : {}),
  };
}

export function toAuditView(e: AuditRecord, authors: Authors) {
  return { id: e.id, at: e.at, actor: ref(e.actorId, authors), action: e.action, target: e.target, reason: e.reason };
}
