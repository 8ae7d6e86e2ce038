// Making and withdrawing notifications (issue 19). The publisher hands this every content change
// after its store write. Whom a post concerns is worked out once per post and event, on some
// process, and each recipient is asked of the policy with their current account; each new
// notification goes to every open tab of its member and, later, maybe by e-mail.
// A post that concerns a few members (a reply in a watched thread, a handful of mentions) is fanned
// out here, right after the request's own work, and not awaited by it. A job comes first as its
// safety net: the same fan-out, delayed by SAFETY_NET_MS and cancelled once this one is done, so a
// process that stops or a store that fails half-way leaves the job to finish it on some process
// (notifications have one id per member and post, so a second run adds nothing twice). A BullMQ
// job for every such post cost a post about as much again as the post itself (npm run bench --
// post-cost); the net is two small scripts. A post that may concern many (more watchers or
// mentions than INLINE_MAX) is a job at once, so a reply to a thread with a thousand watchers
// answers as fast as any other.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { can, judgedBy } from '../auth/policy.js';
import { mentionedNames } from '../content/mentions.js';
import type { ContentFollower } from '../forum/publish.js';
import type { EventSpec, ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { NotificationRecord, NotificationStore } from '../store/notifications.js';
import type { UserStore } from '../store/users.js';
import type { JobData, JobQueue } from '../jobs/queue.js';
import type { NotificationKind, SubscriptionLevel } from '../../shared/schemas/notifications.js';
import type { NotificationDelivery } from './delivery.js';
import { toNotificationView, type NotificationView } from './views.js';

/** Sends to every open tab of one member, on every process. */
export interface MemberChannel {
  toMember(userId: string, event: 'notification:new', payload: { notification: NotificationView }): void;
  toMember(userId: string, event: 'notification:withdrawn', payload: { id: string }): void;
  toMember(userId: string, event: 'notification:read', payload: { ids: string[] | 'all'; unreadCount: number }): void;
}

export interface NotificationDeps {
  notifications: Pick<NotificationStore, 'addMany' | 'emailChoices' | 'subscribers' | 'markThreadRead' | 'setSubscription' | 'withdrawPost'>;
  forum: Pick<ForumStore, 'getPost' | 'getThread' | 'listPosts'>;
  users: Pick<UserStore, 'getMany' | 'findByUsernames'>;
  jobs: JobQueue;
  delivery?: NotificationDelivery;
  live: MemberChannel;
  logger: Logger;
  now: () => number;
}

const FAN_OUT = 'notify-post';
const CHUNK = 100;
/** Most members a post may concern and still be fanned out by the process that wrote it. */
export const INLINE_MAX = CHUNK;
/** How long the safety net waits for the writer's own fan-out before doing it itself. */
export const SAFETY_NET_MS = 30_000;
type Mode = 'new' | 'edit';

/** One per member and post: a post never notifies a member twice, whatever made it concern them. */
export const notificationId = (userId: string, postId: string): string =>
  createHash('sha256').update(`${userId}\n${postId}`).digest('base64url').slice(0, 22);

export class NotificationCenter implements ContentFollower {
  constructor(private deps: NotificationDeps) {
    deps.jobs.handle(FAN_OUT, (data: JobData) => this.fanOut(String(data.postId), data.mode === 'edit' ? 'edit' : 'new'));
  }

  async postChanged(post: PostRecord, thread?: ThreadRecord | null, events: readonly Omit<EventSpec, 'postId'>[] = []): Promise<void> {
    if (post.purged || post.status === 'removed' || events.some((e) => e.event === 'post:removed')) return this.withdraw([post.id]);
    const { notifications } = this.deps;
    const writing = events.some((e) => e.event === 'post:created');
    const author = post.authorId;
    // A creation the public hears of: a new post, or a held one approved ('public': news to them).
    const created = post.status === 'visible' && events.some((e) => e.event === 'post:created' && e.audience !== 'privileged');
    const edited = post.status === 'visible' && events.some((e) => e.event === 'post:updated') && post.editedAt !== null;
    const [, levels] = await Promise.all([
      // Writing a post is reading the thread up to it.
      writing && author && post.seq ? notifications.markThreadRead(author, post.threadId, post.seq) : null,
      created ? notifications.subscribers(post.threadId) : null,
    ]);
    if (created && author && post.seq === 1 && !levels?.has(author)) {
      // Authors watch the threads they start (unless they chose otherwise already).
      await notifications.setSubscription(author, post.threadId, 'watching');
    }
    if (!created && !edited) return;
    // Most posts concern nobody: no mention, no other watcher. They cost nothing more.
    const watchers = [...(levels ?? [])].filter(([userId, level]) => level === 'watching' && userId !== author).length;
    const names = mentionedNames(post.source ?? '');
    if (!names.length && !watchers) return;
    const mode: Mode = created ? 'new' : 'edit';
    // An edit's job is its own: keyed by the edit's time, so a later edit is looked at again.
    const id = `${FAN_OUT}:${post.id}:${mode}:${mode === 'edit' ? post.editedAt : ''}`;
    const inline = watchers + names.length <= INLINE_MAX;
    // The post is written already: a queue that cannot take the job is logged, never a failed
    // request (repeated, it would post twice).
    const queued = await this.deps.jobs.add(FAN_OUT, { postId: post.id, mode }, { id, delayMs: inline ? SAFETY_NET_MS : undefined }).then(() => true, (err: Error & { code?: string }) => {
      this.deps.logger.warn({ notifications: 'fan-out not queued', code: err.code ?? err.name }, 'notifications for a post could not be queued');
      return false;
    });
    if (!inline) return;
    void (async () => {
      const t = thread === undefined ? await this.deps.forum.getThread(post.threadId) : thread;
      await this.deliver(post, t, mode, { levels: mode === 'new' ? levels : null, names });
      if (queued) await this.deps.jobs.cancel(id);
    })().catch((err: Error & { code?: string }) =>
      this.deps.logger.warn({ notifications: 'fan-out left to its job', code: err.code ?? err.name }, 'notifications for a post are left to the safety-net job'));
  }

  /** A removed or purged thread takes every notification about its posts with it (its title too). */
  async threadChanged(thread: ThreadRecord): Promise<void> {
    if (!thread.removal && !thread.purged) return;
    for (let offset = 0; ; offset += 500) {
      const posts = await this.deps.forum.listPosts(thread.id, offset, 500);
      await this.withdraw(posts.map((p) => p.id));
      if (posts.length < 500) return;
    }
  }

  async contentErased(): Promise<void> {}

  /** Deletes the notifications about these posts and tells each member's open tabs. */
  async withdraw(postIds: readonly string[]): Promise<void> {
    for (const postId of postIds) {
      for (const n of await this.deps.notifications.withdrawPost(postId)) this.deps.live.toMember(n.userId, 'notification:withdrawn', { id: n.id });
    }
  }

  /**
   * Whom the post concerns now: members it mentions (new ones only, on an edit), and on a new post
   * the thread's watchers (its starter's kind is `reply`). Never its author, never a member who
   * muted the thread, never one the policy would not let read it.
   */
  async fanOut(postId: string, mode: Mode): Promise<void> {
    const post = await this.deps.forum.getPost(postId);
    if (!post) return;
    await this.deliver(post, await this.deps.forum.getThread(post.threadId), mode);
  }

  /** The fan-out of `post` as it is now; `known`: the thread's subscribers and the post's mentions, if already read. */
  private async deliver(post: PostRecord, thread: ThreadRecord | null, mode: Mode, known?: { levels: Map<string, SubscriptionLevel> | null; names: string[] }): Promise<void> {
    const { notifications, users } = this.deps;
    if (post.status !== 'visible' || post.purged || !post.authorId) return;
    if (!thread || thread.removal || thread.purged || thread.held) return;
    const author = post.authorId;
    const levels = known?.levels ?? (await notifications.subscribers(thread.id));
    const kinds = new Map<string, NotificationKind>();
    if (mode === 'new') {
      for (const [userId, level] of levels) if (level === 'watching') kinds.set(userId, userId === thread.authorId ? 'reply' : 'watched');
    }
    const names = known?.names ?? mentionedNames(post.source ?? '');
    if (names.length) for (const u of (await users.findByUsernames(names)).values()) kinds.set(u.id, 'mention');
    kinds.delete(author);
    for (const [userId, level] of levels) if (level === 'muted') kinds.delete(userId);
    if (!kinds.size) return;
    const members = await users.getMany([...kinds.keys(), author]);
    const actor = members.get(author);
    const at = new Date(this.deps.now()).toISOString();
    const due: NotificationRecord[] = [];
    for (const [userId, kind] of kinds) {
      const member = members.get(userId);
      if (!member || !can(judgedBy(member, this.deps.now), 'post:read', { post, thread })) continue;
      due.push({ id: notificationId(userId, post.id), userId, kind, at, read: false, actorId: author, postId: post.id, threadId: thread.id });
    }
    // In chunks, each sent at once (one round trip on the connection, not one per member): a
    // thousand watchers are stored and told in a fraction of a second.
    for (let i = 0; i < due.length; i += CHUNK) {
      const chunk = due.slice(i, i + CHUNK);
      const added = await notifications.addMany(chunk);
      const fresh = chunk.filter((_, k) => added[k]);
      for (const n of fresh) this.deps.live.toMember(n.userId, 'notification:new', { notification: toNotificationView(n, thread, actor) });
      // E-mail is scheduled only for members who want that kind now (sending checks again).
      const choices = await notifications.emailChoices(fresh.map((n) => n.userId));
      const wanted = fresh.filter((n) => (n.kind === 'mention' ? choices.get(n.userId)?.emailOnMention : choices.get(n.userId)?.emailOnWatched));
      await Promise.all(wanted.map((n) => this.deps.delivery?.scheduled(n)));
    }
  }
}
