// A member leaving: what deleting an account does to what they wrote and flagged. Moderation owns
// it because it is the same removal and the same events as a moderator's, with the author's reason.
import { Conflict } from '../errors.js';
import type { PostRecord } from '../store/forum.js';
import type { UserRecord } from '../store/users.js';
import { mutate, purgeOf, resolveOpenFlags, syncQueue } from './service.js';
import { forgetFlagger } from './flaggers.js';
import { isoNow, type ModerationDeps } from './deps.js';

export type DepartingPosts = 'remove' | 'anonymize';

/** Removed with its content purged, or kept under "former member"; the event goes to whoever saw it. */
function departed(deps: ModerationDeps, member: UserRecord, post: PostRecord, choice: DepartingPosts) {
  const audience = post.status === 'held' ? 'privileged' as const : 'all' as const;
  if (choice === 'anonymize') return mutate(deps, post, { patch: { authorId: null }, events: [{ event: 'post:updated', audience }] });
  const purge = purgeOf(post, { byId: member.id, reason: 'deleted by its author', at: isoNow(deps) });
  return mutate(deps, post, { ...purge, patch: { ...purge.patch, authorId: null }, events: [{ event: 'post:removed', audience }] });
}

/**
 * Every post of the member removed or anonymized, their thread titles with them, their flags and
 * flag reasons forgotten, and the author indexes dropped. Each step can run again: a failure part-way
 * leaves an account whose deletion can simply be tried again.
 */
export async function eraseMemberContent(deps: ModerationDeps, member: UserRecord, choice: DepartingPosts): Promise<void> {
  for (const id of await deps.forum.postIdsByAuthor(member.id)) {
    // A moderator may change the post meanwhile: read it again and redo the step for its new state.
    for (let attempt = 0; ; attempt++) {
      const post = await deps.forum.getPost(id);
      if (!post || post.authorId !== member.id) break;
      try {
        const after = await departed(deps, member, post, choice);
        // Removed like a moderator's removal: others' flags on it are settled, and a post that
        // waited for review leaves the queue (stored, and on every dashboard).
        if (choice === 'remove') await resolveOpenFlags(deps, member, id, 'actioned');
        if (choice === 'remove' || post.status === 'held') await syncQueue(deps, after);
        break;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= 2) throw err;
      }
    }
  }
  // A thread title is the author's words too: removal takes it with the posts.
  for (const id of await deps.forum.threadIdsByAuthor(member.id)) {
    const thread = await deps.forum.patchThread(id, choice === 'remove' ? { authorId: null, title: '(title removed by its author)' } : { authorId: null });
    // The old title's words leave the search index and its snapshot with it.
    if (thread && choice === 'remove') await deps.publisher.threadChanged(thread, true);
  }
  await forgetFlagger(deps, member);
  await deps.forum.forgetAuthor(member.id);
  // The search snapshot may still name them as an author, or hold a title they took with them.
  await deps.publisher.contentErased();
}
