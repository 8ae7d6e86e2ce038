import { authorize } from '../auth/policy.js';
import { NotFound } from '../errors.js';
import type { ForumRecord, ForumStore, PostRecord, ThreadCursor, ThreadRecord } from '../store/forum.js';
import type { UserStore } from '../store/users.js';
import { canSee, canSeeThread, userIdsOf, userIdsOfThreads, type Authors, type Viewer } from './views.js';

/** The ports the forum's reads use. */
export interface ForumReadDeps {
  forum: Pick<ForumStore, 'listForums' | 'getForum' | 'listThreads' | 'getThread' | 'listPosts' | 'getPost'>;
  users: Pick<UserStore, 'getMany'>;
  now: () => number;
}

/** A page of records, the authors their views name, and where the next page starts (null: the last page). */
export interface ReadPage<T, C> { items: T[]; authors: Authors; next: C | null }

export const listForums = (deps: ForumReadDeps) => deps.forum.listForums();

/** One forum by id; every forum is open to every reader. */
export async function getForum(deps: ForumReadDeps, forumId: string): Promise<ForumRecord> {
  const forum = await deps.forum.getForum(forumId);
  if (!forum) throw new NotFound('There is no such forum.');
  return forum;
}

/** The forum's threads this viewer may see, newest activity first. */
export async function listThreads(deps: ForumReadDeps, viewer: Viewer | null, forumId: string, after: ThreadCursor | null, limit: number): Promise<ReadPage<ThreadRecord, ThreadCursor>> {
  if (!(await deps.forum.getForum(forumId))) throw new NotFound('There is no such forum.');
  const page = await deps.forum.listThreads(forumId, after, limit);
  const shown = page.filter((t) => canSeeThread(t, viewer));
  const last = page.at(-1);
  return {
    items: shown,
    authors: await deps.users.getMany(userIdsOfThreads(shown)),
    next: page.length === limit && last ? { at: Date.parse(last.lastPostAt), id: last.id } : null,
  };
}

async function visibleThread(deps: ForumReadDeps, viewer: Viewer | null, threadId: string): Promise<ThreadRecord> {
  const thread = await deps.forum.getThread(threadId);
  if (!thread) throw new NotFound('There is no such thread.');
  authorize(viewer, 'thread:read', thread);
  return thread;
}

/** The thread, the authors its view names, and its forum (whether it is archived decides who may reply). */
export async function getThread(deps: ForumReadDeps, viewer: Viewer | null, threadId: string) {
  const thread = await visibleThread(deps, viewer, threadId);
  const [authors, forum] = await Promise.all([deps.users.getMany(userIdsOfThreads([thread])), deps.forum.getForum(thread.forumId)]);
  return { thread, authors, forum };
}

/** A page of the thread's posts in order, held posts only for those who may see them. */
export async function listPosts(deps: ForumReadDeps, viewer: Viewer | null, threadId: string, offset: number, limit: number): Promise<ReadPage<PostRecord, { o: number }>> {
  await visibleThread(deps, viewer, threadId);
  const page = await deps.forum.listPosts(threadId, offset, limit);
  return {
    items: page.filter((p) => canSee(p, viewer)),
    authors: await deps.users.getMany(userIdsOf(page)),
    next: page.length === limit ? { o: offset + limit } : null,
  };
}

/** A post exists for the viewer only if its thread does too (a removed thread hides all its posts). */
async function visiblePost(deps: ForumReadDeps, viewer: Viewer | null, postId: string): Promise<PostRecord> {
  const post = await deps.forum.getPost(postId);
  if (!post) throw new NotFound('There is no such post.');
  const thread = canSee(post, viewer) ? await deps.forum.getThread(post.threadId) : null;
  if (!thread) throw new NotFound('There is no such post.');
  authorize(viewer, 'post:read', { post, thread });
  return post;
}

export async function getPost(deps: ForumReadDeps, viewer: Viewer | null, postId: string) {
  const post = await visiblePost(deps, viewer, postId);
  return { post, authors: await deps.users.getMany(userIdsOf([post])) };
}

/** The Markdown as stored (sensitive spans already masked), for the author's or a moderator's edit form. */
export async function getSource(deps: ForumReadDeps, viewer: Viewer | null, postId: string): Promise<string> {
  const post = await visiblePost(deps, viewer, postId);
  authorize(viewer, 'post:source', { post, thread: null });
  if (post.source === null) throw new NotFound('This post has no content any more.');
  return post.source;
}
