// The notify section's socket load generator, in its own process (pinned to its own core): sets of
// socket.io clients, each signed in as its own member (a session cookie per socket) or anonymous,
// that record when each receives `notification:new` for a post (keyed by `notification.post.id`).
// Spoken to over IPC (ipc.ts); times are wall-clock ms (performance.timeOrigin + performance.now()),
// comparable with the orchestrator's on the same machine.
import { io, type Socket } from 'socket.io-client';
import { closeSets, serveRequests } from './ipc.js';

export type NotifyRequest =
  | { op: 'connect'; set: string; urls: string[]; cookies: (string | null)[]; join?: string; timeoutMs: number }
  | { op: 'await'; set: string; key: string; timeoutMs: number }
  | { op: 'clock' }
  | { op: 'close'; set?: string };

export interface NotifyReply { connected?: number; ms?: number; count?: number; first?: number; last?: number; at?: number }

interface ClientSet { sockets: Socket[]; received: Map<string, { count: number; times: Float64Array }>; disconnected: number; waiters: Set<() => void> }

const sets = new Map<string, ClientSet>();
const now = () => performance.timeOrigin + performance.now();
const EVENT = 'notification:new';

function record(set: ClientSet, index: number, key: unknown): void {
  const at = now();
  if (typeof key !== 'string') return;
  let r = set.received.get(key);
  if (!r) set.received.set(key, (r = { count: 0, times: new Float64Array(set.sockets.length) }));
  if (r.times[index]) return; // a duplicate delivery does not count twice
  r.times[index] = at;
  r.count++;
  for (const w of set.waiters) w();
}

function connectOne(set: ClientSet, index: number, url: string, cookie: string | null, join: string | undefined, timeoutMs: number): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs, ...(cookie ? { extraHeaders: { cookie } } : {}) });
  set.sockets[index] = socket;
  socket.on(EVENT, (p: { notification?: { post?: { id?: unknown } } }) => record(set, index, p?.notification?.post?.id));
  return new Promise<void>((resolve, reject) => {
    socket.once('connect_error', (err) => reject(new Error(`socket ${index} to ${url}: ${err.message}`)));
    socket.once('connect', () => {
      socket.once('disconnect', () => {
        set.disconnected++;
        for (const w of set.waiters) w();
      });
      if (!join) return resolve();
      socket.timeout(timeoutMs).emitWithAck(join).then(
        (a: { ok?: boolean }) => (a?.ok === true ? resolve() : reject(new Error(`${join} refused: ${JSON.stringify(a)}`))),
        (err: Error) => reject(new Error(`${join} ack: ${err.message}`)),
      );
    });
  });
}

async function connect(req: Extract<NotifyRequest, { op: 'connect' }>): Promise<NotifyReply> {
  if (sets.has(req.set)) throw new Error(`client set ${req.set} exists`);
  const n = req.cookies.length;
  const set: ClientSet = { sockets: new Array<Socket>(n), received: new Map(), disconnected: 0, waiters: new Set() };
  sets.set(req.set, set);
  const started = performance.now();
  const BATCH = 50; // handshakes at once, so the listen backlog never overflows
  for (let i = 0; i < n; i += BATCH) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) batch.push(connectOne(set, j, req.urls[j % req.urls.length]!, req.cookies[j]!, req.join, req.timeoutMs));
    await Promise.all(batch);
  }
  return { connected: n, ms: performance.now() - started };
}

/** Resolves with the first and last receipt once every socket of the set has the event for `key`. */
function wait(req: Extract<NotifyRequest, { op: 'await' }>): Promise<NotifyReply> {
  const set = sets.get(req.set);
  if (!set) throw new Error(`no client set ${req.set}`);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null) => {
      clearTimeout(timer);
      set.waiters.delete(check);
      const r = set.received.get(req.key);
      set.received.delete(req.key); // keeps memory flat across trials
      if (err) return reject(err);
      let [first, last] = [Infinity, 0];
      for (const t of r!.times) [first, last] = [Math.min(first, t), Math.max(last, t)];
      resolve({ count: r!.count, first, last });
    };
    const check = () => {
      const r = set.received.get(req.key);
      if (r && r.count === set.sockets.length) done(null);
      else if (set.disconnected > 0) done(new Error(`${set.disconnected} socket(s) of ${req.set} disconnected; ${r?.count ?? 0}/${set.sockets.length} got ${EVENT}`));
    };
    const timer = setTimeout(() => done(new Error(`timeout: ${set.received.get(req.key)?.count ?? 0}/${set.sockets.length} sockets of ${req.set} got ${EVENT} ${req.key}`)), req.timeoutMs);
    set.waiters.add(check);
    check();
  });
}

const close = (name?: string): void => closeSets(sets, name);

serveRequests<NotifyRequest>(async (req) => {
  switch (req.op) {
    case 'connect': return connect(req);
    case 'await': return wait(req);
    case 'clock': return { at: now() };
    case 'close':
      close(req.set);
      return {};
  }
}, () => close());
