// The removal bench's load generator, in its own process (pinned to its own core): many
// socket.io clients that record when each of them receives an event. Spoken to over the IPC
// channel: one request, one reply, matched by `id`. Receive times are wall-clock milliseconds
// (performance.timeOrigin + performance.now()) so the orchestrator on the same machine can
// subtract its own send time.
import { io, type Socket } from 'socket.io-client';

export type ClientRequest =
  | { id: number; op: 'connect'; set: string; urls: string[]; n: number; watch: { event: string; payload?: unknown }; timeoutMs: number }
  | { id: number; op: 'await'; set: string; event: 'post:created' | 'post:removed'; key: string; timeoutMs: number }
  | { id: number; op: 'clock' }
  | { id: number; op: 'close' };

export type ClientReply =
  | { id: number; ok: true; connected?: number; ms?: number; count?: number; first?: number; last?: number; at?: number }
  | { id: number; ok: false; error: string };

interface Received { count: number; seen: Uint8Array; first: number; last: number }

interface ClientSet {
  sockets: Socket[];
  received: Map<string, Received>;
  disconnected: number;
  /** Wakes a pending `await` when a count changes. */
  waiters: Set<() => void>;
}

const sets = new Map<string, ClientSet>();
const now = () => performance.timeOrigin + performance.now();

function record(set: ClientSet, index: number, event: string, key: unknown): void {
  const at = now();
  if (typeof key !== 'string') return;
  const k = `${event}\n${key}`;
  let r = set.received.get(k);
  if (!r) set.received.set(k, (r = { count: 0, seen: new Uint8Array(set.sockets.length), first: at, last: at }));
  if (r.seen[index]) return; // a duplicate delivery does not count twice
  r.seen[index] = 1;
  r.count++;
  r.last = at;
  for (const w of set.waiters) w();
}

function connectOne(set: ClientSet, index: number, url: string, watch: { event: string; payload?: unknown }, timeoutMs: number): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
  set.sockets[index] = socket;
  socket.on('post:created', (p: { post?: { id?: unknown } }) => record(set, index, 'post:created', p?.post?.id));
  socket.on('post:removed', (p: { postId?: unknown }) => record(set, index, 'post:removed', p?.postId));
  return new Promise<void>((resolve, reject) => {
    socket.once('connect_error', (err) => reject(new Error(`socket ${index} to ${url}: ${err.message}`)));
    socket.once('connect', () => {
      socket.once('disconnect', () => {
        set.disconnected++;
        for (const w of set.waiters) w();
      });
      const ack = watch.payload === undefined ? socket.timeout(timeoutMs).emitWithAck(watch.event) : socket.timeout(timeoutMs).emitWithAck(watch.event, watch.payload);
      ack.then(
        (a: { ok?: boolean; error?: unknown }) => (a?.ok === true ? resolve() : reject(new Error(`${watch.event} refused: ${JSON.stringify(a)}`))),
        (err: Error) => reject(new Error(`${watch.event} ack: ${err.message}`)),
      );
    });
  });
}

async function connect(req: Extract<ClientRequest, { op: 'connect' }>): Promise<ClientReply> {
  const set: ClientSet = { sockets: new Array<Socket>(req.n), received: new Map(), disconnected: 0, waiters: new Set() };
  sets.set(req.set, set);
  const started = performance.now();
  // Spread over the servers (half on each with two) and a bounded number of handshakes at once,
  // so the listen backlog never overflows.
  const BATCH = 50;
  for (let i = 0; i < req.n; i += BATCH) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(req.n, i + BATCH); j++) batch.push(connectOne(set, j, req.urls[j % req.urls.length]!, req.watch, req.timeoutMs));
    await Promise.all(batch);
  }
  return { id: req.id, ok: true, connected: req.n, ms: performance.now() - started };
}

function wait(req: Extract<ClientRequest, { op: 'await' }>): Promise<ClientReply> {
  const set = sets.get(req.set);
  if (!set) return Promise.resolve({ id: req.id, ok: false, error: `no client set ${req.set}` });
  const k = `${req.event}\n${req.key}`;
  return new Promise((resolve) => {
    const done = (reply: ClientReply) => {
      clearTimeout(timer);
      set.waiters.delete(check);
      set.received.delete(k); // keeps memory flat across trials
      resolve(reply);
    };
    const check = () => {
      const r = set.received.get(k);
      if (r && r.count === set.sockets.length) done({ id: req.id, ok: true, count: r.count, first: r.first, last: r.last });
      else if (set.disconnected > 0) done({ id: req.id, ok: false, error: `${set.disconnected} socket(s) of ${req.set} disconnected; ${r?.count ?? 0}/${set.sockets.length} got ${req.event}` });
    };
    const timer = setTimeout(() => {
      const r = set.received.get(k);
      done({ id: req.id, ok: false, error: `timeout after ${req.timeoutMs} ms: ${r?.count ?? 0}/${set.sockets.length} sockets of ${req.set} got ${req.event} ${req.key}` });
    }, req.timeoutMs);
    set.waiters.add(check);
    check();
  });
}

function closeAll(): void {
  for (const set of sets.values()) for (const s of set.sockets) s?.disconnect();
}

process.on('message', (msg: ClientRequest) => {
  const reply = (r: ClientReply) => process.send?.(r);
  if (msg.op === 'connect') {
    connect(msg).then(reply, (err: Error) => reply({ id: msg.id, ok: false, error: err.message }));
  } else if (msg.op === 'await') {
    void wait(msg).then(reply);
  } else if (msg.op === 'clock') {
    reply({ id: msg.id, ok: true, at: now() });
  } else if (msg.op === 'close') {
    closeAll();
    reply({ id: msg.id, ok: true }); // the orchestrator then disconnects, which ends this process
  }
});
// The orchestrator went away: do not linger.
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
