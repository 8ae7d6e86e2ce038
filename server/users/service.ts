import type { PiiType } from '../../shared/pii/index.js';
import { authorize, can, type Subject } from '../auth/policy.js';
import { preparePlainText, type Severities } from '../content/pipeline.js';
import { NotFound } from '../errors.js';
import type { ForumStore, PostRecord } from '../store/forum.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { ReadPage } from '../forum/reads.js';
import { userIdsOf, type Viewer } from '../forum/views.js';

/**
 * Profiles: what anyone may read about a member (API.md, Profiles). A deleted account has no
 * record, so it has no profile either; its kept posts say "former member".
 */
export interface ProfileDeps {
  users: Pick<UserStore, 'findByUsername' | 'getMany'>;
  forum: Pick<ForumStore, 'postIdsByAuthor' | 'getPost' | 'getThreads'>;
}

// Usernames are 3–32 of these (shared/schemas/auth.ts); anything else cannot name a member.
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
// Posts read from the store at once while counting, so a prolific member costs round trips, not memory.
const BATCH = 100;

/** The member a username names, or NotFound (unknown, malformed or deleted). */
export async function findMember(deps: Pick<ProfileDeps, 'users'>, username: string): Promise<UserRecord> {
  const user = USERNAME.test(username) ? await deps.users.findByUsername(username) : null;
  if (!user) throw new NotFound('There is no such member.');
  return user;
}

/** The posts with their threads that `viewer` may see listed on a profile (policy, post:list-on-profile). */
async function readable(deps: ProfileDeps, viewer: Viewer | null, ids: string[]): Promise<PostRecord[]> {
  const posts = (await Promise.all(ids.map((id) => deps.forum.getPost(id)))).filter((p): p is PostRecord => !!p);
  const threads = await deps.forum.getThreads([...new Set(posts.map((p) => p.threadId))]);
  return posts.filter((post) => {
    const thread = threads.get(post.threadId);
    return !!thread && can(viewer, 'post:list-on-profile', { post, thread });
  });
}

/** The member and how many of their posts everyone can see (visible posts in threads open to all). */
export async function getProfile(deps: ProfileDeps, username: string): Promise<{ user: UserRecord; postCount: number }> {
  const user = await findMember(deps, username);
  const ids = await deps.forum.postIdsByAuthor(user.id);
  let postCount = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    postCount += (await readable(deps, null, ids.slice(i, i + BATCH))).filter((p) => p.status === 'visible').length;
  }
  return { user, postCount };
}

/**
 * A page of the member's posts the viewer may read, newest first: held and removed ones only for
 * their author and staff (removed ones as the post view shows them), none of a thread the viewer may
 * not see. A page may hold fewer than `limit` posts; `next` says whether more follow.
 */
export async function listProfilePosts(deps: ProfileDeps, viewer: Viewer | null, username: string, offset: number, limit: number): Promise<ReadPage<PostRecord, { o: number }>> {
  const user = await findMember(deps, username);
  const ids = await deps.forum.postIdsByAuthor(user.id);
  const items = await readable(deps, viewer, ids.slice(offset, offset + limit));
  return {
    items,
    authors: await deps.users.getMany(userIdsOf(items)),
    next: ids.length > offset + limit ? { o: offset + limit } : null,
  };
}

/**
 * A bio is read by everyone, so it goes through the personal-data scan like a testimonial: 422 until
 * acknowledged, sensitive values masked. Emptying it is always allowed (even while banned).
 */
export function prepareBio(deps: { piiSeverity: Severities }, user: Subject, bio: string, acknowledge: readonly PiiType[], maskTypes: readonly PiiType[] = []): string {
  if (bio.trim() === '') return '';
  authorize(user, 'write');
  return preparePlainText(bio, acknowledge, deps.piiSeverity, maskTypes).text;
}
