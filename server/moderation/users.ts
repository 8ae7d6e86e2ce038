// Moderating members (API.md, Moderation): ban, unban, remove all posts of, set a role, look up.
import { authorize } from '../auth/policy.js';
import { Conflict, NotFound } from '../errors.js';
import type { Role, UserRecord } from '../store/users.js';
import { audit, removePost } from './service.js';
import { isoNow, type ModerationDeps } from './deps.js';

/** The member a moderator acts on, if the policy lets this moderator act on them. */
async function loadTarget(deps: ModerationDeps, actor: UserRecord, userId: string): Promise<UserRecord> {
  authorize(actor, 'moderate');
  const target = await deps.users.get(userId);
  if (!target) throw new NotFound('There is no such user.');
  authorize(actor, 'user:manage', { target });
  return target;
}

/** `until`: any ISO time with an offset (the schema's); stored in UTC, absent or null for a ban without end. */
export async function banUser(deps: ModerationDeps, actor: UserRecord, userId: string, reason: string, endsAt: string | null | undefined) {
  const target = await loadTarget(deps, actor, userId);
  const until = endsAt ? new Date(endsAt).toISOString() : null;
  const updated = await deps.users.update(target.id, { ban: { reason, by: actor.id, at: isoNow(deps), until } });
  // Closes every open connection of the user on every process (through the adapter).
  deps.connections.closeUser(target.id);
  await audit(deps, actor, 'user.ban', { kind: 'user', id: target.id }, until ? `${reason} (until ${until})` : reason);
  return updated!;
}

export async function unbanUser(deps: ModerationDeps, actor: UserRecord, userId: string) {
  const target = await loadTarget(deps, actor, userId);
  const updated = await deps.users.update(target.id, { ban: null });
  await audit(deps, actor, 'user.unban', { kind: 'user', id: target.id }, '');
  return updated!;
}

export async function removeUserPosts(deps: ModerationDeps, actor: UserRecord, userId: string, reason: string): Promise<number> {
  const target = await loadTarget(deps, actor, userId);
  let removed = 0;
  for (const id of await deps.forum.postIdsByAuthor(target.id)) {
    const post = await deps.forum.getPost(id);
    if (!post || post.status === 'removed') continue;
    try {
      await removePost(deps, actor, id, reason, { audit: false });
      removed++;
    } catch (err) {
      if (!(err instanceof Conflict)) throw err; // removed meanwhile by someone else
    }
  }
  await audit(deps, actor, 'user.remove_posts', { kind: 'user', id: target.id }, `${reason} (${removed} posts)`);
  return removed;
}

export async function setRole(deps: ModerationDeps, actor: UserRecord, userId: string, role: Role) {
  authorize(actor, 'administer');
  const user = await deps.users.get(userId);
  if (!user) throw new NotFound('There is no such user.');
  authorize(actor, 'user:set-role', { target: user });
  const updated = await deps.users.update(user.id, { role });
  // Sockets carry the role they connected with: close them so they come back with the new one.
  deps.connections.closeUser(user.id);
  await audit(deps, actor, 'user.role', { kind: 'user', id: user.id }, `${user.role} → ${role}`);
  return updated!;
}

/** Lets a moderator find a member by name (the dashboard's search box for a ban). */
export async function findUser(deps: ModerationDeps, actor: UserRecord, username: string): Promise<UserRecord> {
  authorize(actor, 'moderate');
  const user = username && username.length <= 32 ? await deps.users.findByUsername(username) : null;
  if (!user) throw new NotFound('There is no such user.');
  return user;
}
