import type {
  AddPostResult, EventSpec, EventsSince, ForumPatch, ForumRecord, ForumStore, LoggedEvent, MutateResult, PostMutation,
  PostRecord, RemovalRecord, ThreadCursor, ThreadPurgeResult, ThreadRecord, ThreadRemovalResult,
} from '../forum.js';
import { byPosition } from '../forum.js';

const clone = <T>(v: T): T => structuredClone(v);

interface ThreadState { thread: ThreadRecord; order: string[]; events: LoggedEvent[]; seq: number }

/** Newest activity first; ties by id descending (the order Redis uses for equal scores). */
const byActivity = (a: ThreadRecord, b: ThreadRecord) =>
  Date.parse(b.lastPostAt) - Date.parse(a.lastPostAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class MemoryForumStore implements ForumStore {
  private forums = new Map<string, ForumRecord>();
  private threads = new Map<string, ThreadState>();
  private posts = new Map<string, PostRecord>();
  private byAuthor = new Map<string, string[]>();

  constructor(private logSize: number) {}

  async createForum(forum: ForumRecord): Promise<boolean> {
    for (const f of this.forums.values()) if (f.slug === forum.slug) return false;
    this.forums.set(forum.id, clone(forum));
    return true;
  }

  async listForums(): Promise<ForumRecord[]> {
    return [...this.forums.values()].map(clone).sort(byPosition);
  }

  async updateForum(id: string, patch: ForumPatch): Promise<ForumRecord | null> {
    const f = this.forums.get(id);
    if (!f) return null;
    const next = { ...f, ...clone(patch) };
    this.forums.set(id, next);
    return clone(next);
  }

  async getForum(id: string): Promise<ForumRecord | null> {
    const f = this.forums.get(id);
    return f ? clone(f) : null;
  }

  private append(state: ThreadState, spec: EventSpec): number {
    state.seq += 1;
    state.events.push({ seq: state.seq, ...spec });
    if (state.events.length > this.logSize) state.events.splice(0, state.events.length - this.logSize);
    return state.seq;
  }

  private indexAuthor(post: PostRecord): void {
    if (!post.authorId) return;
    const list = this.byAuthor.get(post.authorId) ?? [];
    list.push(post.id);
    this.byAuthor.set(post.authorId, list);
  }

  async createThread(thread: ThreadRecord, first: PostRecord, event: Omit<EventSpec, 'postId'>): Promise<number> {
    const state: ThreadState = { thread: clone(thread), order: [first.id], events: [], seq: 0 };
    this.threads.set(thread.id, state);
    const seq = this.append(state, { ...event, postId: first.id });
    this.posts.set(first.id, { ...clone(first), seq });
    this.indexAuthor(first);
    return seq;
  }

  async getThread(id: string): Promise<ThreadRecord | null> {
    const t = this.threads.get(id);
    return t ? clone(t.thread) : null;
  }

  async getThreads(ids: string[]): Promise<Map<string, ThreadRecord>> {
    const out = new Map<string, ThreadRecord>();
    for (const id of ids) {
      const t = this.threads.get(id);
      if (t) out.set(id, clone(t.thread));
    }
    return out;
  }

  async listThreads(forumId: string, after: ThreadCursor | null, limit: number): Promise<ThreadRecord[]> {
    const all = [...this.threads.values()].map((s) => s.thread).filter((t) => t.forumId === forumId).sort(byActivity);
    const start = after
      ? all.findIndex((t) => Date.parse(t.lastPostAt) < after.at || (Date.parse(t.lastPostAt) === after.at && t.id < after.id))
      : 0;
    return start < 0 ? [] : all.slice(start, start + limit).map(clone);
  }

  async patchThread(id: string, patch: Partial<Pick<ThreadRecord, 'locked' | 'held' | 'title' | 'authorId'>>): Promise<ThreadRecord | null> {
    const t = this.threads.get(id);
    if (!t) return null;
    Object.assign(t.thread, clone(patch));
    return clone(t.thread);
  }

  async addPost(post: PostRecord, event: Omit<EventSpec, 'postId'>, opts: { ignoreLock?: boolean } = {}): Promise<AddPostResult> {
    const state = this.threads.get(post.threadId);
    if (!state) return { ok: false, reason: 'no_thread' };
    if (state.thread.removal) return { ok: false, reason: 'removed' };
    if (state.thread.locked && !opts.ignoreLock) return { ok: false, reason: 'locked' };
    const seq = this.append(state, { ...event, postId: post.id });
    this.posts.set(post.id, { ...clone(post), seq });
    state.order.push(post.id);
    if (post.status === 'visible') state.thread.postCount += 1;
    state.thread.lastPostAt = post.createdAt;
    this.indexAuthor(post);
    return { ok: true, seq, thread: clone(state.thread) };
  }

  async visibleSince(since: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [threadId, seq] of since) {
      const state = this.threads.get(threadId);
      if (!state) {
        out.set(threadId, 0);
        continue;
      }
      out.set(threadId, state.order.filter((id) => {
        const p = this.posts.get(id)!;
        return p.status === 'visible' && (p.seq ?? 0) > seq;
      }).length);
    }
    return out;
  }

  async countPosts(): Promise<number> {
    return this.posts.size;
  }

  async getPosts(ids: readonly string[], threadOf?: ReadonlyMap<string, string>): Promise<Map<string, PostRecord>> {
    const out = new Map<string, PostRecord>();
    for (const id of ids) {
      const p = this.posts.get(id);
      if (p && (threadOf?.get(id) ?? p.threadId) === p.threadId) out.set(id, clone(p));
    }
    return out;
  }

  // Posts are never deleted here (a purge leaves a tombstone), so a place in insertion order is a
  // stable cursor.
  async scanPosts(cursor: string, count: number): Promise<{ posts: PostRecord[]; cursor: string }> {
    const from = cursor ? Number(cursor) : 0;
    const posts = [...this.posts.values()].slice(from, from + count).map(clone);
    const next = from + posts.length;
    return { posts, cursor: next < this.posts.size ? String(next) : '' };
  }

  async getPost(id: string): Promise<PostRecord | null> {
    const p = this.posts.get(id);
    return p ? clone(p) : null;
  }

  async listPosts(threadId: string, offset: number, limit: number): Promise<PostRecord[]> {
    const state = this.threads.get(threadId);
    if (!state) return [];
    return state.order.slice(offset, offset + limit).map((id) => clone(this.posts.get(id)!));
  }

  async mutatePost(id: string, m: PostMutation): Promise<MutateResult> {
    const post = this.posts.get(id);
    const state = post && this.threads.get(post.threadId);
    if (!post || !state) return { ok: false, reason: 'not_found' };
    if (m.ifStatus && !m.ifStatus.includes(post.status)) return { ok: false, reason: 'status' };
    const next = { ...post, ...clone(m.patch) };
    this.posts.set(id, next);
    if (m.countDelta) state.thread.postCount += m.countDelta;
    const seqs = (m.events ?? []).map((e) => this.append(state, { ...e, postId: id }));
    return { ok: true, post: clone(next), seqs };
  }

  async setThreadRemoval(id: string, removal: RemovalRecord | null): Promise<ThreadRemovalResult> {
    const t = this.threads.get(id)?.thread;
    if (!t) return { ok: false, reason: 'not_found' };
    if (!!t.removal === !!removal) return { ok: false, reason: 'status' };
    if (!removal && t.purged) return { ok: false, reason: 'purged' };
    t.removal = clone(removal);
    return { ok: true, thread: clone(t) };
  }

  async purgeThread(id: string, removal: RemovalRecord): Promise<ThreadPurgeResult> {
    const state = this.threads.get(id);
    if (!state) return { ok: false, reason: 'not_found' };
    const t = state.thread;
    Object.assign(t, { removal: t.removal ?? clone(removal), title: '', purged: true, postCount: 0 });
    for (const postId of state.order) {
      const p = this.posts.get(postId)!;
      Object.assign(p, { status: 'removed', source: null, html: null, purged: true, removal: p.removal ?? clone(removal) });
    }
    return { ok: true, thread: clone(t), postIds: [...state.order] };
  }

  async threadIdsByAuthor(authorId: string): Promise<string[]> {
    return [...this.threads.values()].filter((s) => s.thread.authorId === authorId).map((s) => s.thread.id);
  }

  async forgetAuthor(authorId: string): Promise<void> {
    this.byAuthor.delete(authorId);
  }

  async postIdsByAuthor(authorId: string): Promise<string[]> {
    return [...(this.byAuthor.get(authorId) ?? [])].reverse();
  }

  async countPostsByAuthor(authorId: string): Promise<number> {
    return this.byAuthor.get(authorId)?.length ?? 0;
  }

  async currentSeq(threadId: string): Promise<number> {
    return this.threads.get(threadId)?.seq ?? 0;
  }

  async eventsSince(threadId: string, since: number): Promise<EventsSince> {
    const state = this.threads.get(threadId);
    if (!state) return { events: [], reload: false, seq: 0 };
    const oldest = state.events[0]?.seq ?? state.seq + 1;
    // Anything between `since` and the oldest kept event is gone (or `since` is from another
    // history): the client must re-read.
    if (since > state.seq || (since < state.seq && since + 1 < oldest)) return { events: [], reload: true, seq: state.seq };
    return { events: state.events.filter((e) => e.seq > since).map(clone), reload: false, seq: state.seq };
  }
}
