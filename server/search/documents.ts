// What the search index holds of a post: its published text (what readers see, masked values
// masked), its thread's title on the thread's first post, and the fields that let a query skip
// what a caller can never see. Nothing once the post or its thread is purged.
import type { ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { IndexedPost } from './engine.js';
import { publishedText } from './text.js';

const threadState = (t: ThreadRecord): IndexedPost['threadState'] => (t.removal ? 'removed' : t.held ? 'held' : 'visible');

export function toIndexedPost(post: PostRecord, thread: ThreadRecord, first: boolean): IndexedPost | null {
  if (post.purged || thread.purged) return null;
  return {
    id: post.id, threadId: post.threadId, forumId: post.forumId, authorId: post.authorId,
    status: post.status, threadState: threadState(thread), createdAt: Date.parse(post.createdAt),
    first, title: first ? thread.title : null, text: publishedText(post.html),
  };
}

/**
 * The document for a post whose place in its thread is not known. A thread and its first post
 * share a creation time; a reply in that same millisecond is rare enough to ask the store.
 */
export async function documentFor(forum: Pick<ForumStore, 'listPosts'>, post: PostRecord, thread: ThreadRecord | null): Promise<IndexedPost | null> {
  if (!thread || post.purged || thread.purged) return null;
  const first = post.createdAt === thread.createdAt && (await forum.listPosts(thread.id, 0, 1))[0]?.id === post.id;
  return toIndexedPost(post, thread, first);
}
