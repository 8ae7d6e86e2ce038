// The moderation actions a route calls: each runs one service flow and returns the record it changed
// with the members its view names, so a route makes one call and shapes the answer with a view.
// Flows that other flows reuse (removing a departing member's posts, resolving a flag) call the
// services directly and skip the authors they would not show.
import type { PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { userIdsOf, userIdsOfThreads } from '../forum/views.js';
import { approvePost, removePost, restorePost } from './service.js';
import { removeThread, restoreThread, setThreadLocked } from './threads.js';
import type { ModerationDeps } from './deps.js';

export interface Authored<T> { record: T; authors: Map<string, UserRecord> }

const postWithAuthors = async (deps: ModerationDeps, post: PostRecord): Promise<Authored<PostRecord>> =>
  ({ record: post, authors: await deps.users.getMany(userIdsOf([post])) });

const threadWithAuthors = async (deps: ModerationDeps, thread: ThreadRecord): Promise<Authored<ThreadRecord>> =>
  ({ record: thread, authors: await deps.users.getMany(userIdsOfThreads([thread])) });

export type PostAction = 'remove' | 'restore' | 'approve';

export async function moderatePost(deps: ModerationDeps, actor: UserRecord, action: PostAction, postId: string, reason = ''): Promise<Authored<PostRecord>> {
  const post = action === 'remove' ? await removePost(deps, actor, postId, reason)
    : action === 'restore' ? await restorePost(deps, actor, postId, reason)
    : await approvePost(deps, actor, postId);
  return postWithAuthors(deps, post);
}

export type ThreadAction = 'remove' | 'restore' | 'lock' | 'unlock';

export async function moderateThread(deps: ModerationDeps, actor: UserRecord, action: ThreadAction, threadId: string, reason = ''): Promise<Authored<ThreadRecord>> {
  const thread = action === 'remove' ? await removeThread(deps, actor, threadId, reason)
    : action === 'restore' ? await restoreThread(deps, actor, threadId, reason)
    : await setThreadLocked(deps, actor, threadId, action === 'lock');
  return threadWithAuthors(deps, thread);
}
