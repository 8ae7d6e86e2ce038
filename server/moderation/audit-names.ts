// What audit views name: the people (actor, flagger, a user target) and the posts, threads and
// forums they acted on, read in a few batched lookups. The audit page and the live `mod:audit`
// event both read through here, so an entry says the same words wherever it is shown.
import type { ForumRecord, ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { AuditRecord } from '../store/moderation.js';
import type { UserStore } from '../store/users.js';
import type { Authors } from '../forum/views.js';

export interface AuditNames {
  users: Authors;
  posts: Map<string, PostRecord>;
  threads: Map<string, ThreadRecord>;
  forums: Map<string, ForumRecord>;
}

export interface AuditNamePorts {
  forum: Pick<ForumStore, 'getPost' | 'getThreads' | 'getForum'>;
  users: Pick<UserStore, 'getMany'>;
}

const idsOf = (entries: AuditRecord[], kind: AuditRecord['target']['kind']) =>
  [...new Set(entries.filter((e) => e.target.kind === kind).map((e) => e.target.id))];

async function byId<T>(ids: string[], get: (id: string) => Promise<T | null>): Promise<Map<string, T>> {
  const found = await Promise.all(ids.map(get));
  const map = new Map<string, T>();
  found.forEach((r, i) => r && map.set(ids[i]!, r));
  return map;
}

export async function auditNames(ports: AuditNamePorts, entries: AuditRecord[]): Promise<AuditNames> {
  const userIds = entries.flatMap((e) => [e.actorId, e.flaggerId, e.target.kind === 'user' ? e.target.id : null]);
  const [users, posts, forums] = await Promise.all([
    ports.users.getMany([...new Set(userIds.filter((id): id is string => !!id))]),
    byId(idsOf(entries, 'post'), (id) => ports.forum.getPost(id)),
    byId(idsOf(entries, 'forum'), (id) => ports.forum.getForum(id)),
  ]);
  const threadIds = new Set([...idsOf(entries, 'thread'), ...[...posts.values()].map((p) => p.threadId)]);
  const threads = await ports.forum.getThreads([...threadIds]);
  return { users, posts, threads, forums };
}
