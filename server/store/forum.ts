import type { PiiType } from '../../shared/pii/index.js';

export interface ForumRecord {
  id: string;
  slug: string;
  title: string;
  description: string;
  createdAt: string;
  /** Place in the forum list, lowest first (absent on forums made before ordering: 0). */
  position?: number;
  /** Read-only: no new threads or replies (policy, `forum:post` and `thread:reply`). */
  archived?: boolean;
}

export type ForumPatch = Partial<Pick<ForumRecord, 'title' | 'description' | 'position' | 'archived'>>;

/** The forum list's order: by position, then oldest first. */
export const byPosition = (a: ForumRecord, b: ForumRecord): number =>
  (a.position ?? 0) - (b.position ?? 0) || a.createdAt.localeCompare(b.createdAt);

export interface ThreadRecord {
  id: string;
  forumId: string;
  title: string;
  authorId: string | null;
  createdAt: string;
  lastPostAt: string;
  /** Posts everyone can see (visible ones; held and removed posts are not counted). */
  postCount: number;
  locked: boolean;
  /** True while the thread's first post waits for review: only its author and moderators see it. */
  held: boolean;
  /**
   * Set while a moderator has the thread removed: it exists for moderators only (title and posts
   * included) and takes no new posts. Absent on threads never removed.
   */
  removal?: RemovalRecord | null;
  /** True once the title and every post's content were purged for good (the thread stays removed). */
  purged?: boolean;
}

export type PostStatus = 'visible' | 'held' | 'removed';

export interface RemovalRecord {
  byId: string;
  reason: string;
  at: string;
  /**
   * When `reason` is a member's flag reason (a removal on their flag): that member, so the reason is
   * erased when they delete their account (then `reason` is '' and this is null).
   */
  flaggerId?: string | null;
}

export interface PostRecord {
  id: string;
  threadId: string;
  forumId: string;
  /** null once the author deleted their account and chose to keep posts anonymously. */
  authorId: string | null;
  /** The Markdown as stored (sensitive findings already masked); null after a purge. */
  source: string | null;
  html: string | null;
  createdAt: string;
  editedAt: string | null;
  status: PostStatus;
  piiTypes: PiiType[];
  removal: RemovalRecord | null;
  /** Why a held post waits for review: 'new_account', 'pii', 'flags'. */
  heldReason: string | null;
  purged: boolean;
  /** The thread seq of its creation (absent on posts written before posts kept it). */
  seq?: number;
}

/**
 * Who may receive an event: everyone watching; only the privileged (moderators and the post's
 * author); or everyone but them (an approval is news to the public, an update to the privileged).
 */
export type Audience = 'all' | 'privileged' | 'public';

export type PostEventName = 'post:created' | 'post:updated' | 'post:removed' | 'post:restored';

export interface EventSpec { event: PostEventName; postId: string; audience: Audience }

export interface LoggedEvent extends EventSpec { seq: number }

export interface EventsSince { events: LoggedEvent[]; reload: boolean; seq: number }

export interface ThreadCursor { at: number; id: string }

export interface PostMutation {
  patch: Partial<Omit<PostRecord, 'id' | 'threadId' | 'forumId' | 'createdAt'>>;
  /** Applied only when the post's status is one of these (guards against racing moderators). */
  ifStatus?: PostStatus[];
  /** Appended to the thread's log in this order, each with the next seq. */
  events?: Omit<EventSpec, 'postId'>[];
  /** Change to the thread's visible post count. */
  countDelta?: number;
}

export type AddPostResult = { ok: true; seq: number; thread: ThreadRecord } | { ok: false; reason: 'no_thread' | 'locked' | 'removed' };
/** `status`: removing a removed thread or restoring one that is not; `purged`: a purged thread never comes back. */
export type ThreadRemovalResult = { ok: true; thread: ThreadRecord } | { ok: false; reason: 'not_found' | 'status' | 'purged' };
export type ThreadPurgeResult = { ok: true; thread: ThreadRecord; postIds: string[] } | { ok: false; reason: 'not_found' };
export type MutateResult = { ok: true; post: PostRecord; seqs: number[] } | { ok: false; reason: 'not_found' | 'status' };

/**
 * Forums, threads, posts and each thread's event log. A post and its event (with the thread's
 * next seq) are written in one atomic step.
 */
export interface ForumStore {
  createForum(forum: ForumRecord): Promise<boolean>;
  /** In list order (byPosition). */
  listForums(): Promise<ForumRecord[]>;
  getForum(id: string): Promise<ForumRecord | null>;
  /** Changes only the fields given, atomically; null when there is no such forum. */
  updateForum(id: string, patch: ForumPatch): Promise<ForumRecord | null>;

  createThread(thread: ThreadRecord, first: PostRecord, event: Omit<EventSpec, 'postId'>): Promise<number>;
  getThread(id: string): Promise<ThreadRecord | null>;
  getThreads(ids: string[]): Promise<Map<string, ThreadRecord>>;
  /** Newest activity first; keyset-paged by (lastPostAt, id). */
  listThreads(forumId: string, after: ThreadCursor | null, limit: number): Promise<ThreadRecord[]>;
  patchThread(id: string, patch: Partial<Pick<ThreadRecord, 'locked' | 'held' | 'title' | 'authorId'>>): Promise<ThreadRecord | null>;
  /**
   * Removes (`removal`) or restores (`null`) a thread in one atomic step with the check of its
   * current state; a removed thread refuses addPost from then on.
   */
  setThreadRemoval(id: string, removal: RemovalRecord | null): Promise<ThreadRemovalResult>;
  /**
   * Erases the title and every post's content for good, in one atomic step: the thread ends removed
   * (with `removal` unless it was removed already) and purged, each post a purged tombstone.
   * Answers the ids of the thread's posts.
   */
  purgeThread(id: string, removal: RemovalRecord): Promise<ThreadPurgeResult>;
  /** Ids of the threads a user started. */
  threadIdsByAuthor(authorId: string): Promise<string[]>;
  /** Drops the author's indexes (account deletion); the posts themselves are changed by mutatePost. */
  forgetAuthor(authorId: string): Promise<void>;

  addPost(post: PostRecord, event: Omit<EventSpec, 'postId'>, opts?: { ignoreLock?: boolean }): Promise<AddPostResult>;
  getPost(id: string): Promise<PostRecord | null>;
  /**
   * Several posts in one go (search checks a page of candidates); ids with no post are left out.
   * `threadOf`: each post's thread, when the caller knows it (search's index; a post never moves),
   * which saves the Redis store its read of the post index. A post not in the thread given is
   * left out like a missing one, never another post.
   */
  getPosts(ids: readonly string[], threadOf?: ReadonlyMap<string, string>): Promise<Map<string, PostRecord>>;
  /**
   * Every post, `count` or so at a time, in no set order (rebuilding the search index): start with
   * `cursor` '' and pass back what each call answers until it answers ''. A post that exists
   * throughout is seen at least once.
   */
  scanPosts(cursor: string, count: number): Promise<{ posts: PostRecord[]; cursor: string }>;
  /**
   * For each thread given with a seq: how many of its visible posts were created after that seq
   * (a member's unread posts there); 0 for a thread that does not exist. Posts written before
   * posts kept their seq are not counted.
   */
  visibleSince(since: ReadonlyMap<string, number>): Promise<Map<string, number>>;
  /** How many posts exist (purged tombstones included): what a full scan will visit. */
  countPosts(): Promise<number>;
  /** Posts of a thread, oldest first, from `offset`. */
  listPosts(threadId: string, offset: number, limit: number): Promise<PostRecord[]>;
  mutatePost(id: string, m: PostMutation): Promise<MutateResult>;
  /** Ids of a user's posts, newest first. */
  postIdsByAuthor(authorId: string): Promise<string[]>;
  /** How many posts a user has, without listing them (HOLD_FIRST_POSTS asks on every post). */
  countPostsByAuthor(authorId: string): Promise<number>;

  eventsSince(threadId: string, since: number): Promise<EventsSince>;
  /** The thread's latest seq (0 before any event). */
  currentSeq(threadId: string): Promise<number>;
}
