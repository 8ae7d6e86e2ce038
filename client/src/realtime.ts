import { io, type Socket } from 'socket.io-client';
import type { Post, Thread } from '../../shared/schemas/index.js';
import type { ClientToServerEvents, ServerToClientEvents, WatchAck } from '../../shared/events.js';

type AgoraSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: AgoraSocket | null = null;

/** One socket per tab, on the same origin and session cookie as the page. */
export function getSocket(): AgoraSocket {
  if (!socket) {
    const s: AgoraSocket = io({ transports: ['websocket', 'polling'], tryAllTransports: true, withCredentials: true });
    // The server closes a user's sockets when their account changes (a ban, a new role, a new
    // password elsewhere). socket.io does not reconnect after that on its own: tell the page to
    // re-read who is signed in, and come back with the session as it is now.
    s.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect') return;
      window.dispatchEvent(new Event('agora:session-changed'));
      setTimeout(() => s.connect(), 300);
    });
    socket = s;
  }
  return socket;
}

/** After signing in or out the socket must carry the new session: reconnect it. */
export function resetSocket(): void {
  if (!socket) return;
  socket.disconnect();
  socket.connect();
}

export interface ThreadHandlers {
  upsert(post: Post): void;
  removed(postId: string): void;
  /** The log no longer reaches back to what we have: re-read the thread over HTTP. */
  reload(): void;
  /** The thread is not there for us any more (removed while this tab was away). */
  gone?(): void;
  /** The thread was never there for us (unknown, removed or held from us): not a connection problem. */
  notFound?(): void;
  status?(live: boolean): void;
}

/**
 * Watches a thread and keeps the view exact across disconnects: on every (re)connect it sends
 * the last seq it applied and applies what it missed, in order; live events that arrive while
 * that answer is pending are buffered, and anything at or below the last seq is dropped.
 */
export function watchThread(threadId: string, h: ThreadHandlers): () => void {
  const s = getSocket();
  let lastSeq: number | null = null;
  let syncing = true;
  let buffer: { event: string; payload: { seq: number } & Record<string, unknown> }[] = [];

  const apply = (event: string, payload: { seq: number } & Record<string, unknown>) => {
    if (lastSeq !== null && payload.seq <= lastSeq) return;
    lastSeq = payload.seq;
    if (event === 'post:removed') h.removed(payload.postId as string);
    else h.upsert(payload.post as Post);
  };
  const onEvent = (event: string) => (payload: { seq: number } & Record<string, unknown>) => {
    if (syncing) buffer.push({ event, payload });
    else apply(event, payload);
  };
  const handlers = {
    'post:created': onEvent('post:created'),
    'post:updated': onEvent('post:updated'),
    'post:restored': onEvent('post:restored'),
    'post:removed': onEvent('post:removed'),
  };
  for (const [e, fn] of Object.entries(handlers)) s.on(e as 'post:created', fn as never);

  const sync = async () => {
    syncing = true;
    buffer = [];
    let ack: WatchAck;
    try {
      ack = (await s.timeout(10_000).emitWithAck('thread:watch', lastSeq === null ? { threadId } : { threadId, since: lastSeq })) as WatchAck;
    } catch {
      return; // the connection dropped again; the next connect retries
    }
    if (!ack.ok) {
      if (ack.error?.code === 'not_found') {
        if (lastSeq !== null) h.gone?.();
        else h.notFound?.();
      }
      return;
    }
    if (ack.reload || lastSeq === null) {
      // First watch, or too long away: everything up to ack.seq comes from a fresh HTTP read.
      lastSeq = ack.seq ?? 0;
      h.reload();
    }
    for (const m of ack.missed ?? []) apply(m.event, m.payload as { seq: number } & Record<string, unknown>);
    syncing = false;
    const pending = buffer.sort((a, b) => a.payload.seq - b.payload.seq);
    buffer = [];
    for (const b of pending) apply(b.event, b.payload);
    h.status?.(true);
  };
  const onConnect = () => void sync();
  const onDisconnect = () => h.status?.(false);
  s.on('connect', onConnect);
  s.on('disconnect', onDisconnect);
  if (s.connected) void sync();

  return () => {
    for (const [e, fn] of Object.entries(handlers)) s.off(e as 'post:created', fn as never);
    s.off('connect', onConnect);
    s.off('disconnect', onDisconnect);
    s.emit('thread:unwatch', { threadId });
  };
}

export function watchForum(forumId: string, onThread: (t: Thread) => void): () => void {
  const s = getSocket();
  const fn = (p: { thread: Thread }) => onThread(p.thread);
  s.on('thread:created', fn);
  s.on('thread:updated', fn);
  const join = () => s.emit('forum:watch', { forumId });
  s.on('connect', join);
  if (s.connected) join();
  return () => {
    s.off('thread:created', fn);
    s.off('thread:updated', fn);
    s.off('connect', join);
    s.emit('forum:unwatch', { forumId });
  };
}
