// The socket load generator, in its own process (pinned to its own core): sets of socket.io
// clients that record when each of them receives an event, and (for fan-out) the bursts of POSTs
// that cause those events, so one clock measures both ends. Spoken to over IPC (ipc.ts). Times are
// wall-clock milliseconds (performance.timeOrigin + performance.now()) so the orchestrator on the
// same machine can subtract its own send time.
import { io, type Socket } from 'socket.io-client';
import { closeSets, serveRequests } from './ipc.js';

export type WatchedEvent = 'post:created' | 'post:removed';

/** One POST of a burst; its event is keyed by `key`, or when absent by the answer's `post.id`. */
export interface BurstRequest { url: string; headers: Record<string, string>; body: string; expect: number; key?: string }

export type ClientRequest =
  | {
    op: 'connect'; set: string; urls: string[]; n: number; watch: { event: string; payload?: unknown }; timeoutMs: number; cookies?: string[];
    /** Socket j sends watches[j % watches.length] instead of `watch` (sockets spread over threads or rooms). */
    watches?: { event: string; payload?: unknown }[];
  }
  /** Waits until `count` sockets of the set (all, by default) have `event` for `key`. */
  | { op: 'await'; set: string; event: WatchedEvent; key: string; timeoutMs: number; payload?: boolean; count?: number }
  | { op: 'burst'; set: string; event: WatchedEvent; requests: BurstRequest[]; timeoutMs: number }
  | { op: 'clock' }
  | { op: 'close'; set?: string };

export interface BurstResult {
  /** Every (post, socket) delivery: receipt − that post's request start, ms. */
  latencies: number[];
  /** From the first request's start to the last receipt, ms. */
  spanMs: number;
  requestMs: number[];
  /** This generator's CPU time during the burst, ms: near `spanMs` means the generator was the bottleneck. */
  cpuMs: number;
  /** Status and start of the body of each request answered other than `expect`. */
  failures: string[];
}

export interface ClientReply { connected?: number; ms?: number; count?: number; first?: number; last?: number; at?: number; payload?: unknown; burst?: BurstResult }

/** Receipt time per socket (0: not yet) of one event for one key. */
interface Received { count: number; times: Float64Array; payload: unknown }

interface ClientSet {
  sockets: Socket[];
  received: Map<string, Received>;
  disconnected: number;
  /** Wakes a pending wait when a count changes. */
  waiters: Set<() => void>;
}

const sets = new Map<string, ClientSet>();
const now = () => performance.timeOrigin + performance.now();

function record(set: ClientSet, index: number, event: string, key: unknown, payload: unknown): void {
  const at = now();
  if (typeof key !== 'string') return;
  const k = `${event}\n${key}`;
  let r = set.received.get(k);
  if (!r) set.received.set(k, (r = { count: 0, times: new Float64Array(set.sockets.length), payload }));
  if (r.times[index]) return; // a duplicate delivery does not count twice
  r.times[index] = at;
  r.count++;
  for (const w of set.waiters) w();
}

function connectOne(set: ClientSet, index: number, url: string, watch: { event: string; payload?: unknown }, timeoutMs: number, cookie?: string): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs, ...(cookie ? { extraHeaders: { cookie } } : {}) });
  set.sockets[index] = socket;
  socket.on('post:created', (p: { post?: { id?: unknown } }) => record(set, index, 'post:created', p?.post?.id, p));
  socket.on('post:removed', (p: { postId?: unknown }) => record(set, index, 'post:removed', p?.postId, p));
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
  if (sets.has(req.set)) throw new Error(`client set ${req.set} exists`);
  const set: ClientSet = { sockets: new Array<Socket>(req.n), received: new Map(), disconnected: 0, waiters: new Set() };
  sets.set(req.set, set);
  const started = performance.now();
  // Spread over the servers (half on each with two) and a bounded number of handshakes at once,
  // so the listen backlog never overflows.
  const BATCH = 50;
  for (let i = 0; i < req.n; i += BATCH) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(req.n, i + BATCH); j++) batch.push(connectOne(set, j, req.urls[j % req.urls.length]!, req.watches ? req.watches[j % req.watches.length]! : req.watch, req.timeoutMs, req.cookies?.[j]));
    await Promise.all(batch);
  }
  return { connected: req.n, ms: performance.now() - started };
}

function setOf(name: string): ClientSet {
  const set = sets.get(name);
  if (!set) throw new Error(`no client set ${name}`);
  return set;
}

/** Resolves once every socket of the set has `event` for `key` (and forgets it), or rejects at the deadline. */
function whenAll(set: ClientSet, name: string, event: WatchedEvent, key: string, deadline: number, count = set.sockets.length): Promise<Received> {
  const k = `${event}\n${key}`;
  return new Promise((resolve, reject) => {
    const done = (err: Error | null) => {
      clearTimeout(timer);
      set.waiters.delete(check);
      const r = set.received.get(k);
      set.received.delete(k); // keeps memory flat across trials
      if (err) reject(err);
      else resolve(r!);
    };
    const check = () => {
      const r = set.received.get(k);
      if (r && r.count >= count) done(null);
      else if (set.disconnected > 0) done(new Error(`${set.disconnected} socket(s) of ${name} disconnected; ${r?.count ?? 0}/${set.sockets.length} got ${event}`));
    };
    const timer = setTimeout(() => {
      const r = set.received.get(k);
      done(new Error(`timeout: ${r?.count ?? 0}/${count} sockets of ${name} got ${event} ${key}`));
    }, Math.max(0, deadline - now()));
    set.waiters.add(check);
    check();
  });
}

function firstLast(times: Float64Array): { first: number; last: number } {
  let first = Infinity;
  let last = 0;
  for (const t of times) {
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return { first, last };
}

async function wait(req: Extract<ClientRequest, { op: 'await' }>): Promise<ClientReply> {
  const r = await whenAll(setOf(req.set), req.set, req.event, req.key, now() + req.timeoutMs, req.count);
  return { count: r.count, ...firstLast(r.times), ...(req.payload ? { payload: r.payload } : {}) };
}

/**
 * Sends every request of the burst at once, then waits until every socket has the event of every
 * request that was answered as expected. A request answered otherwise (a 503 when the server is
 * overloaded, say) is counted and reported, and causes no wait.
 */
async function burst(req: Extract<ClientRequest, { op: 'burst' }>): Promise<ClientReply> {
  const set = setOf(req.set);
  const deadline = now() + req.timeoutMs;
  const cpu = process.cpuUsage();
  const answered = await Promise.all(req.requests.map(async (r) => {
    const t0 = now();
    const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body, signal: AbortSignal.timeout(req.timeoutMs) });
    const text = await res.text();
    const ms = now() - t0;
    if (res.status !== r.expect) return { t0, ms, failure: `${res.status} ${text.slice(0, 200)}` };
    const key = r.key ?? (JSON.parse(text) as { post?: { id?: unknown } }).post?.id;
    if (typeof key !== 'string') throw new Error(`POST ${r.url}: no key in the answer`);
    const received = whenAll(set, req.set, req.event, key, deadline);
    received.catch(() => {}); // awaited below; handled here in case a sibling request fails first
    return { t0, ms, received };
  }));
  const sent = answered.flatMap((a) => (a.received ? [{ t0: a.t0, received: a.received }] : []));
  const received = await Promise.all(sent.map((s) => s.received));
  const used = process.cpuUsage(cpu);
  const latencies: number[] = [];
  const start = Math.min(...answered.map((a) => a.t0));
  let end = start;
  sent.forEach((s, i) => {
    for (const t of received[i]!.times) {
      latencies.push(Math.round((t - s.t0) * 100) / 100);
      end = Math.max(end, t);
    }
  });
  const failures = answered.flatMap((a) => (a.failure !== undefined ? [a.failure] : []));
  return { burst: { latencies, spanMs: end - start, requestMs: answered.map((a) => a.ms), cpuMs: (used.user + used.system) / 1000, failures } };
}

const close = (name?: string): void => closeSets(sets, name);

serveRequests<ClientRequest>(async (req) => {
  switch (req.op) {
    case 'connect': return connect(req);
    case 'await': return wait(req);
    case 'burst': return burst(req);
    case 'clock': return { at: now() };
    case 'close':
      close(req.set);
      return {};
  }
}, () => close());
