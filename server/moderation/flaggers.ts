import type { UserRecord } from '../store/users.js';
import { syncQueue, type ModerationDeps } from './service.js';

/**
 * A member deleting their account takes their flag reasons with them: their flags go (so the
 * review queue forgets them, live), and wherever a moderator's action quoted a flag reason of
 * theirs (a dismissal, a removal on their flag) the reason is erased. The audit entries and
 * removals themselves stay, their reason attributed to a former member.
 */
export async function forgetFlagger(deps: ModerationDeps, member: Pick<UserRecord, 'id'>): Promise<void> {
  const { forum, moderation } = deps;
  const flagged = new Set((await moderation.flagsByMember(member.id)).map((f) => f.postId));
  await moderation.deleteFlagsBy(member.id);
  await moderation.eraseFlaggerReasons(member.id);
  for (const postId of flagged) {
    let post = await forum.getPost(postId);
    if (!post) continue;
    if (post.removal?.flaggerId === member.id) {
      // No event: the reason is shown to moderators only, who read it fresh. (A restore meanwhile
      // took the removal away already: then the status check refuses, and nothing is left to erase.)
      const res = await forum.mutatePost(postId, { patch: { removal: { ...post.removal, reason: '', flaggerId: null } }, ifStatus: ['removed'] });
      if (res.ok) post = res.post;
    }
    await syncQueue(deps, post);
  }
}
