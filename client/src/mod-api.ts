// The moderation API (API.md, Moderation) as the pages use it, and the live review queue.
import type { AuditAction } from '../../shared/audit-actions.js';
import type { Ack } from '../../shared/events.js';
import type {
  AuditFilter, banBody, ModerationAnswers, optionalReasonBody, Page, QueueEvent, QueueItem, reasonBody, resolveBody, User,
} from '../../shared/schemas/index.js';
import { api, ApiFailure, type BodyOf } from './api.js';
import { getSocket } from './realtime.js';

/** Whether the signed-in user may moderate now, as the server's policy says (`user.can`). */
export const isModerator = (user: Pick<User, 'can'> | null | undefined): boolean => user?.can?.moderate === true;

export const AUDIT_ACTION_LABEL: Record<AuditAction, string> = {
  'post.remove': 'post removed',
  'post.restore': 'post restored',
  'post.purge': 'post purged',
  'post.approve': 'post approved',
  'flag.dismiss': 'flag dismissed',
  'user.ban': 'user banned',
  'user.unban': 'user unbanned',
  'user.remove_posts': "all of a user's posts removed",
  'thread.lock': 'thread locked',
  'thread.unlock': 'thread unlocked',
  'thread.remove': 'thread removed',
  'thread.restore': 'thread restored',
  'thread.purge': 'thread purged',
  'user.role': 'role changed',
  'forum.create': 'forum created',
  'forum.update': 'forum changed',
};

const enc = encodeURIComponent;

type Answer = ModerationAnswers;
type Reason = BodyOf<typeof reasonBody>;
type MaybeReason = BodyOf<typeof optionalReasonBody>;

export const modApi = {
  removePost: async (postId: string, reason: string) => (await api.post<Answer['post'], Reason>(`/api/posts/${enc(postId)}/remove`, { reason })).post,
  restorePost: async (postId: string) => (await api.post<Answer['post'], MaybeReason>(`/api/posts/${enc(postId)}/restore`, {})).post,
  purgePost: (postId: string, reason: string) => api.post<void, Reason>(`/api/posts/${enc(postId)}/purge`, { reason }),
  approvePost: async (postId: string) => (await api.post<Answer['post']>(`/api/posts/${enc(postId)}/approve`)).post,
  getPost: async (postId: string) => (await api.get<Answer['post']>(`/api/posts/${enc(postId)}`)).post,
  flagPost: (postId: string, reason: string) => api.post<Answer['flag'], Reason>(`/api/posts/${enc(postId)}/flags`, { reason }),
  dismissFlag: (flagId: string) => api.post<Answer['resolved'], BodyOf<typeof resolveBody>>(`/api/mod/flags/${enc(flagId)}/resolve`, { action: 'dismiss' }),
  setLocked: async (threadId: string, locked: boolean) =>
    (await api.post<Answer['thread']>(`/api/threads/${enc(threadId)}/${locked ? 'lock' : 'unlock'}`)).thread,
  removeThread: async (threadId: string, reason: string) => (await api.post<Answer['thread'], Reason>(`/api/threads/${enc(threadId)}/remove`, { reason })).thread,
  restoreThread: async (threadId: string) => (await api.post<Answer['thread'], MaybeReason>(`/api/threads/${enc(threadId)}/restore`, {})).thread,
  purgeThread: (threadId: string, reason: string) => api.post<void, Reason>(`/api/threads/${enc(threadId)}/purge`, { reason }),
  getThread: async (threadId: string) => (await api.get<Answer['thread']>(`/api/threads/${enc(threadId)}`)).thread,
  queue: (cursor?: string | null) => api.get<Answer['queue']>(`/api/mod/queue${cursor ? `?cursor=${enc(cursor)}` : ''}`),
  /** Finds a user by name; an unknown name is an error on the field that named it. */
  findUser: async (username: string, field = 'username') => {
    try {
      return (await api.get<Answer['user']>(`/api/mod/users?username=${enc(username)}`)).user;
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 404) throw new ApiFailure(404, e.code, 'There is no user with that name.', { field });
      throw e;
    }
  },
  ban: async (userId: string, reason: string, until: string | null) =>
    (await api.post<Answer['user'], BodyOf<typeof banBody>>(`/api/mod/users/${enc(userId)}/ban`, until ? { reason, until } : { reason })).user,
  unban: async (userId: string) => (await api.post<Answer['user']>(`/api/mod/users/${enc(userId)}/unban`)).user,
  removePosts: async (userId: string, reason: string) =>
    (await api.post<Answer['removed'], Reason>(`/api/mod/users/${enc(userId)}/remove-posts`, { reason })).removed,
  audit: (f: AuditFilter, cursor?: string | null, limit = 50) => {
    const q = new URLSearchParams();
    if (f.actor) q.set('actor', f.actor);
    if (f.action) q.set('action', f.action);
    if (f.targetId) q.set('targetId', f.targetId);
    if (cursor) q.set('cursor', cursor);
    q.set('limit', String(limit));
    return api.get<Answer['audit']>(`/api/mod/audit?${q.toString()}`);
  },
};

/** A validation error raised in the page, shown next to the field it concerns (as the API's are). */
export const fieldError = (field: string, message: string) => new ApiFailure(400, 'invalid_request', message, { field });

export interface QueueHandlers {
  /** The first page, read fresh over HTTP (on start and after every reconnect). */
  loaded(page: Page<QueueItem>): void;
  event(e: QueueEvent): void;
  status(live: boolean, problem?: string): void;
}

/**
 * The review queue, kept live: on every (re)connect it joins the moderators' room (`mod:watch`),
 * then re-reads the queue; events that arrive while that read is pending are applied after it,
 * so nothing that changed meanwhile is lost or undone.
 */
export function watchModQueue(h: QueueHandlers): () => void {
  const s = getSocket();
  let stopped = false;
  let syncing = true;
  let buffer: QueueEvent[] = [];
  let generation = 0;

  const onQueue = (p: { kind: string; item: unknown }) => {
    const e = p as QueueEvent;
    if (syncing) buffer.push(e);
    else h.event(e);
  };

  const read = async (gen: number) => {
    try {
      const page = await modApi.queue();
      if (stopped || gen !== generation) return false;
      h.loaded(page);
      return true;
    } catch (e) {
      if (!stopped) h.status(false, e instanceof Error ? e.message : 'The review queue could not be read.');
      return false;
    }
  };

  const sync = async () => {
    const gen = ++generation;
    syncing = true;
    buffer = [];
    let ack: Ack;
    try {
      ack = (await s.timeout(10_000).emitWithAck('mod:watch')) as Ack;
    } catch {
      return; // the connection dropped again; the next connect retries
    }
    if (stopped || gen !== generation) return;
    if (!ack.ok) {
      await read(gen);
      h.status(false, ack.error?.code === 'forbidden' ? 'Live updates are refused to this account.' : 'Live updates are not available right now.');
      return;
    }
    if (!(await read(gen))) return;
    syncing = false;
    const pending = buffer;
    buffer = [];
    for (const e of pending) h.event(e);
    h.status(true);
  };

  const onConnect = () => void sync();
  const onDisconnect = () => {
    syncing = true;
    h.status(false);
  };
  s.on('mod:queue', onQueue);
  s.on('connect', onConnect);
  s.on('disconnect', onDisconnect);
  if (s.connected) void sync();
  else void read(generation); // show what is waiting even before the socket is up

  return () => {
    stopped = true;
    s.off('mod:queue', onQueue);
    s.off('connect', onConnect);
    s.off('disconnect', onDisconnect);
  };
}

/** Upserts a queue item by its post id (in place when present, else at the end: the queue is oldest first). */
export function upsertItem(list: QueueItem[], item: QueueItem): QueueItem[] {
  const i = list.findIndex((x) => x.post.id === item.post.id);
  if (i < 0) return [...list, item];
  const copy = list.slice();
  copy[i] = item;
  return copy;
}
