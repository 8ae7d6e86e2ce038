import type {
  AddPostResult, EventSpec, EventsSince, ForumPatch, ForumRecord, ForumStore, LoggedEvent, MutateResult, PostMutation,
  PostRecord, RemovalRecord, ThreadCursor, ThreadPurgeResult, ThreadRecord, ThreadRemovalResult,
} from '../forum.js';
import { byPosition } from '../forum.js';
import type { ReadCache } from './read-cache.js';
import type { RedisDb } from './db.js';
import { ADD_POST, CREATE_THREAD, UPDATE_FORUM, MUTATE_POST, PATCH_THREAD, PURGE_THREAD, SET_THREAD_REMOVAL } from './forum-scripts.js';

// Layout (DESIGN.md): everything of one thread shares the hash tag {t:<threadId>}: the thread
// hash, each post hash, the post order list, the event log and the seq counter. So a post and its
// event are one atomic script on one cluster slot. Hash values are JSON-encoded field by field
// (no JSON decoding in Lua: cjson turns [] into {}), except postCount, which HINCRBY needs raw.

const enc = (rec: object): string[] => Object.entries(rec).flatMap(([k, v]) => [k, k === 'postCount' ? String(v) : JSON.stringify(v)]);

function dec<T>(h: Record<string, string>): T | null {
  if (!h || Object.keys(h).length === 0) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) out[k] = k === 'postCount' ? Number(v) : JSON.parse(v);
  return out as T;
}

const eventTail = (e: EventSpec) => JSON.stringify(e).slice(1, -1);

const pairsToObject = (flat: string[]): Record<string, string> => {
  const o: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) o[flat[i]!] = flat[i + 1]!;
  return o;
};

export class RedisForumStore implements ForumStore {
  /** `forums`: the per-process read cache of forum records (read-cache.ts); an update invalidates it. */
  constructor(private db: RedisDb, private logSize: number, private forums?: ReadCache<ForumRecord>) {
    db.defineScripts({
      agoraAddPost: { keys: 6, lua: ADD_POST },
      agoraCreateThread: { keys: 6, lua: CREATE_THREAD },
      agoraMutatePost: { keys: 5, lua: MUTATE_POST },
      agoraPatchThread: { keys: 1, lua: PATCH_THREAD },
      agoraSetThreadRemoval: { keys: 1, lua: SET_THREAD_REMOVAL },
      agoraPurgeThread: { lua: PURGE_THREAD },
      agoraUpdateForum: { keys: 1, lua: UPDATE_FORUM },
    });
  }

  private forumsKey = () => this.db.tagged('forums', 'all');
  private slugsKey = () => this.db.tagged('forums', 'slugs');
  private threadsOf = (forumId: string) => this.db.tagged(`f:${forumId}`, 'threads');
  private postIndex = () => this.db.tagged('posts', 'thread');
  private authorPosts = (userId: string) => this.db.tagged(`u:${userId}`, 'posts');
  private authorThreads = (userId: string) => this.db.tagged(`u:${userId}`, 'threads');
  private t = (threadId: string) => ({
    thread: this.db.tagged(`t:${threadId}`, 'thread'),
    order: this.db.tagged(`t:${threadId}`, 'order'),
    events: this.db.tagged(`t:${threadId}`, 'events'),
    seq: this.db.tagged(`t:${threadId}`, 'seq'),
    visible: this.db.tagged(`t:${threadId}`, 'visible'),
    post: (postId: string) => this.db.tagged(`t:${threadId}`, 'p', postId),
  });

  async createForum(forum: ForumRecord): Promise<boolean> {
    const ok = await this.db.run((r) => r.hsetnx(this.slugsKey(), forum.slug, forum.id));
    if (!ok) return false;
    // Nothing to invalidate: a forum not found is never cached, and a new forum has a new id.
    await this.db.run((r) => r.hset(this.forumsKey(), forum.id, JSON.stringify(forum)));
    return true;
  }

  async listForums(): Promise<ForumRecord[]> {
    const all = await this.db.run((r) => r.hvals(this.forumsKey()));
    return all.map((v) => JSON.parse(v) as ForumRecord).sort(byPosition);
  }

  async updateForum(id: string, patch: ForumPatch): Promise<ForumRecord | null> {
    const raw = await this.db.run(this.db.script('agoraUpdateForum', this.forumsKey(), id, JSON.stringify(patch)));
    await this.forums?.invalidate(id);
    return raw ? (JSON.parse(raw as string) as ForumRecord) : null;
  }

  async getForum(id: string): Promise<ForumRecord | null> {
    if (!this.forums) return this.loadForum(id);
    const f = await this.forums.get(id, async () => ({ value: await this.loadForum(id) }));
    // Callers get their own copy: nothing they change reaches the cache.
    return f && { ...f };
  }

  private async loadForum(id: string): Promise<ForumRecord | null> {
    const v = await this.db.run((r) => r.hget(this.forumsKey(), id));
    return v ? (JSON.parse(v) as ForumRecord) : null;
  }

  // The indexes outside the thread's slot (forum listing, post → thread, author → posts) are
  // written around the atomic step: the post index before it (a dangling entry finds nothing),
  // the others after it (idempotent, repeated by the next post).
  async createThread(thread: ThreadRecord, first: PostRecord, event: Omit<EventSpec, 'postId'>): Promise<number> {
    const k = this.t(thread.id);
    await this.db.run((r) => r.hset(this.postIndex(), first.id, thread.id));
    const tf = enc(thread);
    const seq = Number(await this.db.run(this.db.script('agoraCreateThread', k.thread, k.post(first.id), k.order, k.events, k.seq, k.visible,
      eventTail({ ...event, postId: first.id }), this.logSize, first.id, tf.length, ...tf, ...enc(first))));
    await this.afterPost(thread.forumId, thread.id, first);
    if (thread.authorId) await this.db.run((r) => r.sadd(this.authorThreads(thread.authorId!), thread.id));
    return seq;
  }

  private async afterPost(forumId: string, threadId: string, post: PostRecord): Promise<void> {
    await this.db.run((r) =>
      Promise.all([
        r.zadd(this.threadsOf(forumId), 'GT', Date.parse(post.createdAt), threadId),
        post.authorId ? r.zadd(this.authorPosts(post.authorId), Date.parse(post.createdAt), post.id) : null,
      ]),
    );
  }

  async getThread(id: string): Promise<ThreadRecord | null> {
    return dec<ThreadRecord>(await this.db.run((r) => r.hgetall(this.t(id).thread)));
  }

  async getThreads(ids: string[]): Promise<Map<string, ThreadRecord>> {
    const out = new Map<string, ThreadRecord>();
    const found = await Promise.all([...new Set(ids)].map((id) => this.getThread(id)));
    for (const t of found) if (t) out.set(t.id, t);
    return out;
  }

  async listThreads(forumId: string, after: ThreadCursor | null, limit: number): Promise<ThreadRecord[]> {
    const key = this.threadsOf(forumId);
    const ids: string[] = [];
    await this.db.run(async (r) => {
      if (!after) {
        ids.push(...(await r.zrevrange(key, 0, limit - 1)));
        return;
      }
      // Equal scores come in reverse id order, so skip those not after the cursor's id.
      const raw = await r.zrevrangebyscore(key, String(after.at), '-inf', 'WITHSCORES', 'LIMIT', 0, limit + 64);
      for (let i = 0; i < raw.length && ids.length < limit; i += 2) {
        const id = raw[i]!;
        if (Number(raw[i + 1]) === after.at && id >= after.id) continue;
        ids.push(id);
      }
    });
    const threads = await this.getThreads(ids);
    return ids.map((id) => threads.get(id)).filter((t): t is ThreadRecord => !!t);
  }

  async patchThread(id: string, patch: Partial<Pick<ThreadRecord, 'locked' | 'held' | 'title' | 'authorId'>>): Promise<ThreadRecord | null> {
    const flat = (await this.db.run(this.db.script('agoraPatchThread', this.t(id).thread, ...enc(patch)))) as string[] | null;
    return flat ? dec<ThreadRecord>(pairsToObject(flat)) : null;
  }

  async addPost(post: PostRecord, event: Omit<EventSpec, 'postId'>, opts: { ignoreLock?: boolean } = {}): Promise<AddPostResult> {
    const k = this.t(post.threadId);
    // The index entry and the atomic write go out together: an index entry whose post was never
    // written (the script refused, or the process died) finds nothing and is removed or harmless.
    const [, out] = await this.db.run((r) =>
      Promise.all([
        r.hset(this.postIndex(), post.id, post.threadId),
        this.db.script('agoraAddPost', k.thread, k.post(post.id), k.order, k.events, k.seq, k.visible,
          eventTail({ ...event, postId: post.id }), this.logSize, post.status === 'visible' ? 1 : 0, JSON.stringify(post.createdAt),
          post.id, opts.ignoreLock ? '0' : '1', ...enc(post))(r),
      ]),
    );
    const res = out as number | [number, string[]];
    if (typeof res === 'number') {
      await this.db.run((r) => r.hdel(this.postIndex(), post.id));
      return { ok: false, reason: res === -1 ? 'no_thread' : res === -3 ? 'removed' : 'locked' };
    }
    const [seq, thread] = res as [number, string[]];
    await this.afterPost(post.forumId, post.threadId, post);
    return { ok: true, seq: Number(seq), thread: dec<ThreadRecord>(pairsToObject(thread))! };
  }

  private async threadOfPost(id: string): Promise<string | null> {
    return this.db.run((r) => r.hget(this.postIndex(), id));
  }

  async getPost(id: string): Promise<PostRecord | null> {
    const threadId = await this.threadOfPost(id);
    if (!threadId) return null;
    return dec<PostRecord>(await this.db.run((r) => r.hgetall(this.t(threadId).post(id))));
  }

  async visibleSince(since: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const entries = [...since];
    const counts = await this.db.run((r) => Promise.all(entries.map(([t, seq]) => r.zcount(this.t(t).visible, `(${seq}`, '+inf'))));
    return new Map(entries.map(([t], i) => [t, counts[i]!]));
  }

  async countPosts(): Promise<number> {
    return this.db.run((r) => r.hlen(this.postIndex()));
  }

  async getPosts(ids: readonly string[], threadOf?: ReadonlyMap<string, string>): Promise<Map<string, PostRecord>> {
    const out = new Map<string, PostRecord>();
    const unique = [...new Set(ids)];
    if (!unique.length) return out;
    const unknown = unique.filter((id) => !threadOf?.has(id));
    const looked = unknown.length ? await this.db.run((r) => r.hmget(this.postIndex(), ...unknown)) : [];
    const indexed = new Map(unknown.map((id, i) => [id, looked[i] ?? null]));
    await this.loadInto(out, unique.map((id) => [id, threadOf?.get(id) ?? indexed.get(id) ?? null]));
    return out;
  }

  // Posts of many threads live on many slots: one HGETALL each, all sent at once (one round trip
  // on one connection; a cluster pipeline would refuse keys of different slots).
  private async loadInto(out: Map<string, PostRecord>, pairs: [string, string | null][]): Promise<void> {
    const found = await this.db.run((r) => Promise.all(pairs.map(([id, t]) => (t ? r.hgetall(this.t(t).post(id)) : null))));
    for (const p of found.map((h) => (h ? dec<PostRecord>(h) : null))) if (p) out.set(p.id, p);
  }

  async scanPosts(cursor: string, count: number): Promise<{ posts: PostRecord[]; cursor: string }> {
    const [next, flat] = await this.db.run((r) => r.hscan(this.postIndex(), cursor || '0', 'COUNT', count));
    const pairs: [string, string | null][] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    const out = new Map<string, PostRecord>();
    await this.loadInto(out, pairs);
    return { posts: [...out.values()], cursor: next === '0' ? '' : next };
  }

  async listPosts(threadId: string, offset: number, limit: number): Promise<PostRecord[]> {
    const k = this.t(threadId);
    const ids = await this.db.run((r) => r.lrange(k.order, offset, offset + limit - 1));
    if (!ids.length) return [];
    const hashes = await this.db.run(async (r) => {
      const p = r.pipeline();
      for (const id of ids) p.hgetall(k.post(id));
      return (await p.exec()) ?? [];
    });
    return hashes.map(([, h]) => dec<PostRecord>(h as Record<string, string>)).filter((p): p is PostRecord => !!p);
  }

  async mutatePost(id: string, m: PostMutation): Promise<MutateResult> {
    const threadId = await this.threadOfPost(id);
    if (!threadId) return { ok: false, reason: 'not_found' };
    const k = this.t(threadId);
    const res = (await this.db.run(this.db.script('agoraMutatePost', k.thread, k.post(id), k.events, k.seq, k.visible,
      (m.ifStatus ?? []).map((s) => JSON.stringify(s)).join('|'),
      (m.events ?? []).map((e) => eventTail({ ...e, postId: id })).join('\n'), this.logSize, m.countDelta ?? 0, ...enc(m.patch)))) as [number, string[]?, number[]?];
    if (res[0] === -1) return { ok: false, reason: 'not_found' };
    if (res[0] === -2) return { ok: false, reason: 'status' };
    return { ok: true, post: dec<PostRecord>(pairsToObject(res[1]!))!, seqs: (res[2] ?? []).map(Number) };
  }

  async setThreadRemoval(id: string, removal: RemovalRecord | null): Promise<ThreadRemovalResult> {
    const res = (await this.db.run(this.db.script('agoraSetThreadRemoval', this.t(id).thread, JSON.stringify(removal)))) as [number, string[]?];
    if (res[0] !== 0) return { ok: false, reason: res[0] === -1 ? 'not_found' : res[0] === -3 ? 'purged' : 'status' };
    return { ok: true, thread: dec<ThreadRecord>(pairsToObject(res[1]!))! };
  }

  // One script over the thread's slot (every post key shares its hash tag). A thread of many
  // thousands of posts is one long script, which is the price of "gone for good" being atomic.
  async purgeThread(id: string, removal: RemovalRecord): Promise<ThreadPurgeResult> {
    const k = this.t(id);
    // At most twice: the first run marks the thread removed, after which its order cannot grow.
    for (let attempt = 0; attempt < 3; attempt++) {
      const postIds = await this.db.run((r) => r.lrange(k.order, 0, -1));
      const res = (await this.db.run(this.db.script('agoraPurgeThread', 3 + postIds.length, k.thread, k.order, k.visible,
        ...postIds.map((p) => k.post(p)), JSON.stringify(removal)))) as [number, string[]?];
      if (res[0] === -1) return { ok: false, reason: 'not_found' };
      if (res[0] === 0) return { ok: true, thread: dec<ThreadRecord>(pairsToObject(res[1]!))!, postIds };
    }
    throw new Error('the thread kept growing while being purged');
  }

  async threadIdsByAuthor(authorId: string): Promise<string[]> {
    return this.db.run((r) => r.smembers(this.authorThreads(authorId)));
  }

  async forgetAuthor(authorId: string): Promise<void> {
    await this.db.run((r) => r.del(this.authorPosts(authorId), this.authorThreads(authorId)));
  }

  async postIdsByAuthor(authorId: string): Promise<string[]> {
    return this.db.run((r) => r.zrevrange(this.authorPosts(authorId), 0, -1));
  }

  async countPostsByAuthor(authorId: string): Promise<number> {
    return this.db.run((r) => r.zcard(this.authorPosts(authorId)));
  }

  async currentSeq(threadId: string): Promise<number> {
    return Number((await this.db.run((r) => r.get(this.t(threadId).seq))) ?? 0);
  }

  async eventsSince(threadId: string, since: number): Promise<EventsSince> {
    const k = this.t(threadId);
    const [seqRaw, raw] = await this.db.run(async (r) => {
      const p = r.pipeline().get(k.seq).lrange(k.events, 0, -1);
      const out = (await p.exec()) ?? [];
      return [out[0]?.[1] as string | null, (out[1]?.[1] as string[]) ?? []] as const;
    });
    const seq = Number(seqRaw ?? 0);
    const events = raw.map((e) => JSON.parse(e) as LoggedEvent);
    const oldest = events[0]?.seq ?? seq + 1;
    if (since > seq || (since < seq && since + 1 < oldest)) return { events: [], reload: true, seq };
    return { events: events.filter((e) => e.seq > since), reload: false, seq };
  }
}
