// Watching a thread or a forum live (API.md, Realtime: thread:watch, forum:watch): who may, and
// what a watcher that was away missed. The socket handler parses, joins the rooms and answers.
import type { MissedEvent } from '../../shared/events.js';
import { authorize, isStaff, type Subject } from '../auth/policy.js';
import { NotFound } from '../errors.js';
import { isId } from '../store/ids.js';
import type { ForumStore } from '../store/forum.js';
import type { ThreadPublisher } from './publish.js';
import type { Viewer } from './views.js';

export interface WatchDeps {
  forum: Pick<ForumStore, 'getThread' | 'getForum' | 'currentSeq'>;
  publisher: Pick<ThreadPublisher, 'missed'>;
}

/** Who watches: as they read (a banned moderator as a member), and their account as the store has it now. */
export interface Watcher {
  viewer: Viewer | null;
  current(): Promise<Subject | null>;
}

/** The watch's start: what was missed since `since` (if asked), whether to reload instead, and the seq live events go on from. */
export interface CatchUp { missed: MissedEvent[]; reload: boolean; seq: number }

/**
 * A thread's watch: the watcher must be able to read it; `join` gets whether the moderators' room is
 * theirs too (only with the role as it is now). Joined first, then the log is read: an event in
 * between arrives twice (live and missed), never zero times; clients drop what they already have by
 * seq. The catch-up reads at most the thread's log (THREAD_LOG_SIZE events), whatever `since` says.
 */
export async function watchThread(
  deps: WatchDeps, watcher: Watcher, threadId: string, since: number | undefined, join: (rooms: { moderators: boolean }) => Promise<void>,
): Promise<CatchUp> {
  const thread = isId(threadId) ? await deps.forum.getThread(threadId) : null;
  if (!thread) throw new NotFound('There is no such thread.');
  authorize(watcher.viewer, 'thread:read', thread);
  await join({ moderators: isStaff(watcher.viewer) && isStaff(await watcher.current()) });
  const seq = await deps.forum.currentSeq(threadId);
  if (since === undefined) return { missed: [], reload: false, seq };
  const { missed, reload } = await deps.publisher.missed(threadId, since, watcher.viewer);
  return { missed, reload, seq: Math.max(seq, ...missed.map((m) => (m.payload as { seq: number }).seq)) };
}

/** A forum's watch: every forum is open to every reader; NotFound for one that is not there. */
export async function watchableForum(deps: WatchDeps, forumId: string): Promise<void> {
  if (!isId(forumId) || !(await deps.forum.getForum(forumId))) throw new NotFound('There is no such forum.');
}
