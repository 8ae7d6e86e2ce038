// What admins do from the web app (API.md, Moderation: admin rows): list users, change forums.
import { authorize, isBanned } from '../auth/policy.js';
import { Conflict, NotFound } from '../errors.js';
import { newId } from '../store/ids.js';
import type { ForumPatch, ForumRecord } from '../store/forum.js';
import type { Role, UserRecord } from '../store/users.js';
import type { ModerationDeps } from './deps.js';
import { audit } from './service.js';

export interface UserFilter { query: string; role?: Role; banned?: boolean }
export interface AdminUserRow { user: UserRecord; banned: boolean; postCount: number }

/** A page of accounts in name order: the name contains `query` (any case), with the role and ban asked for. */
export async function listUsers(deps: ModerationDeps, actor: UserRecord, filter: UserFilter, after: string | null, limit: number) {
  authorize(actor, 'administer');
  const now = deps.now();
  const match = (u: UserRecord) =>
    (filter.role === undefined || u.role === filter.role) && (filter.banned === undefined || isBanned(u, now) === filter.banned);
  const page = await deps.users.list({ query: filter.query, match, after, limit });
  const counts = await Promise.all(page.items.map((u) => deps.forum.countPostsByAuthor(u.id)));
  const rows: AdminUserRow[] = page.items.map((user, i) => ({ user, banned: isBanned(user, now), postCount: counts[i]! }));
  return { rows, next: page.next };
}

const quoted = (s: string) => JSON.stringify(s);

/** A new forum, last in the list; audited as `forum.create` with its short name and title in words. */
export async function createForum(deps: ModerationDeps, actor: UserRecord, input: Pick<ForumRecord, 'slug' | 'title' | 'description'>): Promise<ForumRecord> {
  authorize(actor, 'administer');
  const last = Math.max(-1, ...(await deps.forum.listForums()).map((f) => f.position ?? 0));
  const record: ForumRecord = { id: newId(), ...input, createdAt: new Date(deps.now()).toISOString(), position: last + 1, archived: false };
  if (!(await deps.forum.createForum(record))) throw new Conflict('A forum with that slug exists already.');
  await audit(deps, actor, 'forum.create', { kind: 'forum', id: record.id }, `short name ${quoted(record.slug)}, title ${quoted(record.title)}`);
  return record;
}

/** The audit reason: each change in words. */
function describe(before: ForumRecord, patch: ForumPatch, position: number | undefined): string {
  const parts: string[] = [];
  if (patch.title !== undefined && patch.title !== before.title) parts.push(`title ${quoted(before.title)} → ${quoted(patch.title)}`);
  if (patch.description !== undefined && patch.description !== before.description) parts.push('description changed');
  if (position !== undefined) parts.push(`moved to place ${position + 1}`);
  if (patch.archived !== undefined && patch.archived !== !!before.archived) parts.push(patch.archived ? 'archived' : 'unarchived');
  return parts.join('; ') || 'no change';
}

/**
 * Title, description, archived, and the place in the list: `position` moves the forum to that
 * index (clamped to the list), and every forum is numbered 0, 1, 2 … again.
 */
export async function updateForum(deps: ModerationDeps, actor: UserRecord, forumId: string, input: ForumPatch): Promise<ForumRecord> {
  authorize(actor, 'administer');
  const before = await deps.forum.getForum(forumId);
  if (!before) throw new NotFound('There is no such forum.');
  const { position, ...fields } = input;
  let moved: number | undefined;
  if (position !== undefined) {
    const all = await deps.forum.listForums();
    const was = all.findIndex((f) => f.id === forumId);
    const order = all.filter((f) => f.id !== forumId);
    const to = Math.min(position, order.length);
    order.splice(to, 0, before);
    if (to !== was) moved = to;
    await Promise.all(order.map((f, i) => (f.position === i ? null : deps.forum.updateForum(f.id, { position: i }))));
  }
  const updated = Object.keys(fields).length ? await deps.forum.updateForum(forumId, fields) : await deps.forum.getForum(forumId);
  if (!updated) throw new NotFound('There is no such forum.');
  await audit(deps, actor, 'forum.update', { kind: 'forum', id: forumId }, describe(before, fields, moved));
  return updated;
}
