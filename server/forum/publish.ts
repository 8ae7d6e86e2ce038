import type { Post } from '../../shared/api.js';
import type { MissedEvent, ServerToClientEvents } from '../../shared/events.js';
import type { AgoraServer } from '../realtime/index.js';
import { rooms } from '../realtime/rooms.js';
import type { EventSpec, ForumStore, LoggedEvent, PostEventName, PostRecord, ThreadRecord } from '../store/forum.js';
import type { UserStore } from '../store/users.js';
import type { AuditRecord } from '../store/moderation.js';
import { auditNames } from '../moderation/audit-names.js';
import { toAuditView } from '../moderation/views.js';
import { canSee, isPrivileged, toPostView, toThreadView, userIdsOf, type Authors, type Viewer } from './views.js';

const MOD_VIEWER: Viewer = { id: '', role: 'moderator' };

export type QueueEvent = Parameters<ServerToClientEvents['mod:queue']>[0];

/**
 * What follows every content change besides the sockets (the search index): told after the store
 * write and awaited, so a request answers only once its change is on record there too.
 * `erased`: content gone for good (a purge, a title erased with its author's account).
 */
export interface ContentFollower {
  /** `events`: what the write appended to the thread's log (a creation, an edit, a removal…). */
  postChanged(post: PostRecord, thread?: ThreadRecord | null, events?: readonly Omit<EventSpec, 'postId'>[]): Promise<void>;
  threadChanged(thread: ThreadRecord, erased: boolean): Promise<void>;
  /** A member's content changed hands or went (account deletion): no stored copy may keep the old. */
  contentErased(): Promise<void>;
}

/**
 * The one publisher: every post, thread, review-queue and audit event goes out through here. Sends thread
 * events to watching sockets, shaped per audience on the server (never filtered in
 * the browser): the public gets tombstones and never a held post; moderators and the author get
 * the privileged view in their own rooms.
 */
export class ThreadPublisher {
  constructor(
    private io: () => AgoraServer | undefined,
    private forum: ForumStore,
    private users: UserStore,
    private followers: ContentFollower[] = [],
  ) {}

  /**
   * `known` may carry user records the caller already holds (the author), saving a lookup;
   * `thread`, the thread as the write left it (else it is read here, except for ids-only events):
   * the posts of a removed thread reach its moderators only.
   */
  async postEvent(e: LoggedEvent, post: PostRecord, known?: Authors, thread?: ThreadRecord | null): Promise<void> {
    await this.emitPost(e, post, known, thread);
    for (const f of this.followers) await f.postChanged(post, thread, [e]);
  }

  private async emitPost(e: LoggedEvent, post: PostRecord, known?: Authors, thread?: ThreadRecord | null): Promise<void> {
    const io = this.io();
    if (!io) return;
    const t = post.threadId;
    const privileged = [rooms.threadMods(t), ...(post.authorId ? [rooms.threadUser(t, post.authorId)] : [])];
    if (e.event !== 'post:removed' && (thread === undefined ? await this.forum.getThread(t) : thread)?.removal) {
      return this.toModerators(io, e, post, known);
    }
    if (e.event === 'post:removed') {
      // Ids only: the removed text never travels.
      const payload = { seq: e.seq, postId: post.id, threadId: t };
      if (e.audience === 'all') io.to(rooms.thread(t)).emit('post:removed', payload);
      else if (e.audience === 'public') io.to(rooms.thread(t)).except(privileged).emit('post:removed', payload);
      else io.to(privileged).emit('post:removed', payload);
      return;
    }
    const ids = userIdsOf([post]);
    const authors = known && ids.every((id) => known.has(id)) ? known : await this.users.getMany(ids);
    const publicView = toPostView(post, null, authors);
    const modView = toPostView(post, MOD_VIEWER, authors);
    const authorView = toPostView(post, post.authorId ? { id: post.authorId, role: 'member' } : null, authors);
    const emit = (target: ReturnType<AgoraServer['to']>, event: Exclude<PostEventName, 'post:removed'>, p: Post) =>
      target.emit(event, { seq: e.seq, post: p });
    const toPrivileged = (event: Exclude<PostEventName, 'post:removed'>) => {
      emit(io.to(rooms.threadMods(t)), event, modView);
      if (post.authorId) emit(io.to(rooms.threadUser(t, post.authorId)).except(rooms.threadMods(t)), event, authorView);
    };
    const event = e.event as Exclude<PostEventName, 'post:removed'>;
    if (e.audience === 'privileged') return toPrivileged(event);
    if (e.audience === 'public') {
      // An approval: news to the public, an update to those who saw the held post all along.
      emit(io.to(rooms.thread(t)).except(privileged), 'post:created', publicView);
      return toPrivileged('post:updated');
    }
    if (post.status === 'held') return toPrivileged(event);
    // A visible post looks the same to everyone: one broadcast (one encode, one Redis publish).
    if (JSON.stringify(publicView) === JSON.stringify(modView)) {
      emit(io.to(rooms.thread(t)), event, publicView);
      return;
    }
    emit(io.to(rooms.thread(t)).except(rooms.threadMods(t)), event, publicView);
    emit(io.to(rooms.threadMods(t)), event, modView);
  }

  /**
   * The events one store write appended (`specs` in order, with the `seqs` the store gave them),
   * each to its audience: every caller that changes a post publishes through here.
   */
  async postEvents(post: PostRecord, specs: readonly Omit<EventSpec, 'postId'>[], seqs: readonly number[], known?: Authors): Promise<void> {
    for (let i = 0; i < specs.length; i++) await this.emitPost({ ...specs[i]!, seq: seqs[i]!, postId: post.id }, post, known);
    for (const f of this.followers) await f.postChanged(post, undefined, specs);
  }

  /**
   * A thread's title, state or content changed as a whole (removed, restored, purged, approved,
   * its title erased): whatever follows content looks at all of it again.
   */
  async threadChanged(thread: ThreadRecord, erased = false): Promise<void> {
    for (const f of this.followers) await f.threadChanged(thread, erased || !!thread.purged);
  }

  /** After an account deletion: stored copies of the content (the search snapshot) are dropped. */
  async contentErased(): Promise<void> {
    for (const f of this.followers) await f.contentErased();
  }

  /** The review queue changed for a post: every moderator's dashboard, on every process, hears of it. */
  queueChanged(event: QueueEvent): void {
    this.io()?.to(rooms.mods).emit('mod:queue', event);
  }

  /**
   * An audit entry just written: every moderator's dashboard, on every process, shows it in the
   * words the audit page uses (the same view). Staff only: it may name a removed thread's title.
   */
  async auditAppended(entry: AuditRecord): Promise<void> {
    const io = this.io();
    if (!io) return;
    const names = await auditNames({ forum: this.forum, users: this.users }, [entry]);
    io.to(rooms.mods).emit('mod:audit', { entry: toAuditView(entry, names) });
  }

  /** A post event of a removed thread: its moderators get their view; nobody else hears of it. */
  private async toModerators(io: AgoraServer, e: LoggedEvent, post: PostRecord, known?: Authors): Promise<void> {
    const ids = userIdsOf([post]);
    const authors = known && ids.every((id) => known.has(id)) ? known : await this.users.getMany(ids);
    const event = e.audience === 'public' ? 'post:created' : (e.event as Exclude<PostEventName, 'post:removed'>);
    io.to(rooms.threadMods(post.threadId)).emit(event, { seq: e.seq, post: toPostView(post, MOD_VIEWER, authors) });
  }

  /** To forum watchers; a removed thread's title is news to nobody there (its moderators hear of it on its page). */
  threadEvent(event: 'thread:created' | 'thread:updated', thread: ThreadRecord, authors: Authors): void {
    if (thread.removal) return;
    this.io()?.to(rooms.forum(thread.forumId)).emit(event, { thread: toThreadView(thread, authors) });
  }

  /** A thread's own watchers hear of a lock or unlock too (its page shows whether replies are open). */
  threadWatchersEvent(thread: ThreadRecord, authors: Authors): void {
    const io = this.io();
    if (!io) return;
    if (thread.removal) io.to(rooms.threadMods(thread.id)).emit('thread:updated', { thread: toThreadView(thread, authors, MOD_VIEWER) });
    else io.to(rooms.thread(thread.id)).except(rooms.forum(thread.forumId)).emit('thread:updated', { thread: toThreadView(thread, authors) });
  }

  /**
   * Ids only, to the thread's and the forum's watchers on every process, moderators included (their
   * pages keep the thread and re-read it to show the removal). One broadcast: a socket in both
   * rooms gets it once.
   */
  threadRemoved(thread: Pick<ThreadRecord, 'id' | 'forumId'>): void {
    this.io()?.to([rooms.thread(thread.id), rooms.forum(thread.forumId)]).emit('thread:removed', { threadId: thread.id, forumId: thread.forumId });
  }

  /** Back for everyone: news to forum watchers (thread:created), an update to the thread's own watchers. */
  threadRestored(thread: ThreadRecord, authors: Authors): void {
    const io = this.io();
    if (!io) return;
    const view = { thread: toThreadView(thread, authors) };
    io.to(rooms.forum(thread.forumId)).emit('thread:created', view);
    io.to(rooms.thread(thread.id)).except(rooms.forum(thread.forumId)).emit('thread:updated', view);
  }

  /**
   * What a reconnecting viewer missed since `since`, as this viewer may see it now: current post
   * state (so a post removed meanwhile arrives as a tombstone), privileged events only for the
   * privileged, and nothing about posts that are held from them.
   */
  async missed(threadId: string, since: number, viewer: Viewer | null): Promise<{ missed: MissedEvent[]; reload: boolean }> {
    const log = await this.forum.eventsSince(threadId, since);
    if (log.reload) return { missed: [], reload: true };
    // All at once: a tab back from a long sleep can have missed hundreds of posts.
    const ids = [...new Set(log.events.map((e) => e.postId))];
    const found = await Promise.all(ids.map((id) => this.forum.getPost(id)));
    const posts = new Map<string, PostRecord>();
    found.forEach((p, i) => p && posts.set(ids[i]!, p));
    const authors = await this.users.getMany(userIdsOf([...posts.values()]));
    const missed: MissedEvent[] = [];
    for (const e of log.events) {
      const post = posts.get(e.postId);
      if (!post) continue;
      const privileged = isPrivileged(post, viewer);
      if ((e.audience === 'privileged' && !privileged) || (e.audience === 'public' && privileged)) continue;
      if (e.event === 'post:removed') {
        missed.push({ event: 'post:removed', payload: { seq: e.seq, postId: post.id, threadId } });
        continue;
      }
      if (!canSee(post, viewer)) continue;
      const event = e.audience === 'public' ? 'post:created' : e.event;
      missed.push({ event, payload: { seq: e.seq, post: toPostView(post, viewer, authors) } });
    }
    return { missed, reload: false };
  }
}
