// Thread removal (API.md, Moderation): a removed thread, its title and every post exist for
// moderators only; a purge erases the title and all content for good. The store flips the thread's
// removal in the same atomic step that checks its state, and a removed thread refuses new posts
// there too, so no reply can slip in beside a removal.
import type { RemovalRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { userIdsOfThreads } from '../forum/views.js';
import { authorize } from '../auth/policy.js';
import { audit, syncQueue } from './service.js';
import { isoNow, type ModerationDeps } from './deps.js';
import { Conflict, NotFound } from '../errors.js';

const removalBy = (deps: ModerationDeps, actor: UserRecord, reason: string): RemovalRecord => ({ byId: actor.id, reason, at: isoNow(deps) });

const authorsOf = (deps: ModerationDeps, t: ThreadRecord) => deps.users.getMany(userIdsOfThreads([t]));

export async function removeThread(deps: ModerationDeps, actor: UserRecord, threadId: string, reason: string): Promise<ThreadRecord> {
  authorize(actor, 'moderate');
  const res = await deps.forum.setThreadRemoval(threadId, removalBy(deps, actor, reason));
  if (!res.ok) throw res.reason === 'not_found' ? new NotFound('There is no such thread.') : new Conflict('This thread is removed already.');
  await audit(deps, actor, 'thread.remove', { kind: 'thread', id: threadId }, reason);
  deps.publisher.threadRemoved(res.thread);
  await deps.publisher.threadChanged(res.thread);
  return res.thread;
}

export async function restoreThread(deps: ModerationDeps, actor: UserRecord, threadId: string, reason: string): Promise<ThreadRecord> {
  authorize(actor, 'moderate');
  const res = await deps.forum.setThreadRemoval(threadId, null);
  if (!res.ok) {
    if (res.reason === 'not_found') throw new NotFound('There is no such thread.');
    throw new Conflict(res.reason === 'purged' ? 'This thread was purged; its content is gone for good.' : 'Only a removed thread can be restored.');
  }
  await audit(deps, actor, 'thread.restore', { kind: 'thread', id: threadId }, reason);
  await deps.publisher.threadChanged(res.thread);
  // A thread whose first post still waits for review stays out of the lists until it is approved.
  if (!res.thread.held) deps.publisher.threadRestored(res.thread, await authorsOf(deps, res.thread));
  return res.thread;
}

/** Title and every post's content gone for good, whatever the thread's state; the audit entry stays. */
export async function purgeThread(deps: ModerationDeps, actor: UserRecord, threadId: string, reason: string): Promise<void> {
  authorize(actor, 'moderate');
  const before = await deps.forum.getThread(threadId);
  if (!before) throw new NotFound('There is no such thread.');
  const res = await deps.forum.purgeThread(threadId, removalBy(deps, actor, reason));
  if (!res.ok) throw new NotFound('There is no such thread.');
  // Gone from the search index and its stored snapshot before the moderator hears back.
  await deps.publisher.threadChanged(res.thread, true);
  await audit(deps, actor, 'thread.purge', { kind: 'thread', id: threadId }, reason);
  if (!before.removal) deps.publisher.threadRemoved(res.thread);
  // Moderators watching the removed thread re-read it: its posts are tombstones now.
  else deps.publisher.threadWatchersEvent(res.thread, await authorsOf(deps, res.thread));
  // Posts waiting in the review queue leave it: there is nothing left to review.
  const { moderation, forum } = deps;
  const at = isoNow(deps);
  for (const postId of res.postIds) {
    if (!(await moderation.inQueue(postId))) continue;
    const open = (await moderation.flagsOfPost(postId)).filter((f) => f.status === 'open');
    await moderation.resolveFlags(open.map((f) => f.id), 'actioned', actor.id, at);
    const post = await forum.getPost(postId);
    if (post) await syncQueue(deps, post);
  }
}

export async function setThreadLocked(deps: ModerationDeps, actor: UserRecord, threadId: string, locked: boolean): Promise<ThreadRecord> {
  authorize(actor, 'moderate');
  const thread = await deps.forum.patchThread(threadId, { locked });
  if (!thread) throw new NotFound('There is no such thread.');
  await audit(deps, actor, locked ? 'thread.lock' : 'thread.unlock', { kind: 'thread', id: threadId }, '');
  const authors = await authorsOf(deps, thread);
  deps.publisher.threadEvent('thread:updated', thread, authors);
  deps.publisher.threadWatchersEvent(thread, authors);
  return thread;
}
