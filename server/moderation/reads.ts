// What moderators read: the review queue and the audit log, a page at a time.
import { authorize } from '../auth/policy.js';
import type { AuditAction, AuditRecord } from '../store/moderation.js';
import type { UserRecord } from '../store/users.js';
import { queueItem } from './service.js';
import { auditNames } from './audit-names.js';
import type { ModerationDeps } from './deps.js';

export async function queuePage(deps: ModerationDeps, actor: UserRecord, offset: number, limit: number) {
  authorize(actor, 'moderate');
  const ids = await deps.moderation.queue(offset, limit);
  const items = [];
  for (const postId of ids) {
    const post = await deps.forum.getPost(postId);
    const item = post && (await queueItem(deps, post));
    if (item) items.push(item);
  }
  return { items, next: ids.length === limit ? { o: offset + limit } : null };
}

export interface AuditQuery { actorId?: string; action?: AuditAction; targetId?: string }

export async function auditPage(deps: ModerationDeps, actor: UserRecord, filter: AuditQuery, after: { at: number; id: string } | null, limit: number) {
  authorize(actor, 'moderate');
  const entries: AuditRecord[] = await deps.moderation.audit(filter, after, limit);
  const last = entries.at(-1);
  return {
    items: entries,
    names: await auditNames(deps, entries),
    next: entries.length === limit && last ? { at: Date.parse(last.at), id: last.id } : null,
  };
}
