// Removal propagation: 1,000 sockets watching one thread, half on each of two Agora processes on
// one Redis; from just before a moderator's POST /api/posts/:id/remove until the last socket has
// `post:removed`. Baseline in the same run: two bare socket.io processes with the same Redis
// adapter, the same number of sockets (half on each) in one room, and POST /emit on one process
// broadcasting one event of the same shape. Trials of the two alternate, so noise from the rest of
// the machine lands on both. Servers run on CPU 0, the load generator in its own process on CPU 1.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createStores, type Stores } from '../../server/store/index.js';
import { createAccount } from '../../server/auth/service.js';
import { newId } from '../../server/store/ids.js';
import type { ClientReply, ClientRequest } from './removal-clients.js';
import { freePort, pinning, pinSelfToClientCore, startClients, startServer, type Child } from './removal-processes.js';
import { Session, wallNow } from './removal-http.js';
import { fmt, type Row } from './table.js';

const SOCKETS = 1_000;
const TRIALS = 20;
const WARMUP = 2; // per side, not counted: first-use costs (JIT, connection pools)
const SETTLE_MS = 50; // quiet time before each timed trial, after the previous event has landed
const EVENT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 45_000;
const SECTION_TIMEOUT_MS = 150_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECTION = 'removal';

type Req = ClientRequest extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;
type Ok = Extract<ClientReply, { ok: true }>;

/** The load generator's IPC channel: one reply per request, each bounded in time. */
class Clients {
  private next = 1;
  private pending = new Map<number, { resolve: (r: Ok) => void; reject: (e: Error) => void }>();

  constructor(readonly proc: Child) {
    proc.child.on('message', (r: ClientReply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (!p) return;
      if (r.ok) p.resolve(r);
      else p.reject(new Error(`clients: ${r.error}`));
    });
    proc.child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`clients process exited (${code ?? signal}):\n${proc.output()}`));
      this.pending.clear();
    });
  }

  call(req: Req, timeoutMs: number): Promise<Ok> {
    const id = this.next++;
    return new Promise<Ok>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`clients: no answer to ${req.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.child.send({ ...req, id });
    });
  }

  /** Resolves with the wall-clock time the last of the set's sockets received `event` for `key`. */
  async lastReceipt(set: string, event: 'post:created' | 'post:removed', key: string): Promise<number> {
    return (await this.call({ op: 'await', set, event, key, timeoutMs: EVENT_TIMEOUT_MS }, EVENT_TIMEOUT_MS + 5_000)).last!;
  }
}

interface Context {
  prefix: string;
  servers: Child[];
  clients?: Clients;
  stores?: Stores;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Nearest rank: with 20 trials, p50 is the 10th value and p99 the 20th (the max). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1]! };
}

function checkFileLimit(): void {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  const limit = out === 'unlimited' ? Infinity : Number(out);
  // The generator holds both sets of sockets (2 × SOCKETS); each server holds half of one set.
  if (Number.isFinite(limit) && limit < 2 * SOCKETS + 256) throw new Error(`ulimit -n is ${limit}; the removal bench needs at least ${2 * SOCKETS + 256}`);
}

async function cleanRedis(prefix: string): Promise<number> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  r.on('error', () => {}); // the failure reaches the caller through the commands
  let deleted = 0;
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  return deleted;
}

async function measure(ctx: Context): Promise<Row[]> {
  checkFileLimit();
  const log = (s: string) => process.stderr.write(`  removal: ${s}\n`);
  const secret = randomBytes(24).toString('hex');
  const [ports, barePorts] = [await Promise.all([freePort(), freePort()]), await Promise.all([freePort(), freePort()])];
  const agoraEnv = (port: number) => ({
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: ctx.prefix, LOG_LEVEL: 'warn',
    DEMO_ACCOUNTS: '0', SESSION_SECRET: secret, POST_RATE_PER_MINUTE: '10000',
  });
  const bareEnv = (port: number) => ({ PORT: String(port), REDIS_URL, ADAPTER_KEY: `${ctx.prefix}bare-socket.io`, ROOM: 'thread' });
  const started = wallNow();
  const servers = [
    startServer('agora A', 'server/main.ts', agoraEnv(ports[0]!), 'Agora listening'),
    startServer('agora B', 'server/main.ts', agoraEnv(ports[1]!), 'Agora listening'),
    startServer('bare A', 'scripts/bench/bare-socketio.ts', bareEnv(barePorts[0]!), 'bare listening'),
    startServer('bare B', 'scripts/bench/bare-socketio.ts', bareEnv(barePorts[1]!), 'bare listening'),
  ];
  // Wait for all, so that none is still starting when a failure sends us to the clean-up.
  const settled = await Promise.allSettled(servers);
  for (const s of settled) if (s.status === 'fulfilled') ctx.servers.push(s.value);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  log(`4 servers up in ${fmt((wallNow() - started) / 1000, 1)} s; ${pinning}`);
  const agora = ports.map((p) => `http://127.0.0.1:${p}`);
  const bare = barePorts.map((p) => `http://127.0.0.1:${p}`);

  // The moderator, forum and thread: account and forum straight in the store, the rest over HTTP.
  ctx.stores = await createStores({ redisUrl: REDIS_URL, keyPrefix: ctx.prefix, secret, logger: pino({ level: 'silent' }) });
  const tag = randomBytes(4).toString('hex');
  const password = `bench password ${tag}`;
  const mod = await createAccount(ctx.stores.users, { username: `benchmod${tag}`, email: `benchmod${tag}@example.com`, password, role: 'moderator' });
  const forumId = newId();
  await ctx.stores.forum.createForum({ id: forumId, slug: `bench-${tag}`, title: 'Bench', description: 'removal bench', createdAt: new Date().toISOString() });
  const session = new Session(agora[1]!); // every moderator request goes to process B
  await session.login(mod.username, password);
  const threadId = ((await session.expect(201, `/api/forums/${forumId}/threads`, { title: 'Removal bench', body: 'The first post of the bench thread.' })).body as { thread: { id: string } }).thread.id;

  const clients = (ctx.clients = new Clients(startClients('scripts/bench/removal-clients.ts')));
  await clients.call({ op: 'clock' }, 30_000); // the generator is up
  // Both sides read the same wall clock; check it: the sample with the shortest IPC round trip.
  let offset = { ms: 0, rtt: Infinity };
  for (let i = 0; i < 10; i++) {
    const c0 = wallNow();
    const { at } = await clients.call({ op: 'clock' }, 5_000);
    const c1 = wallNow();
    if (c1 - c0 < offset.rtt) offset = { ms: at! - (c0 + c1) / 2, rtt: c1 - c0 };
  }
  log(`clock offset generator − orchestrator ${fmt(offset.ms, 2)} ms (± ${fmt(offset.rtt / 2, 2)} ms)`);
  const a = await clients.call({ op: 'connect', set: 'agora', urls: agora, n: SOCKETS, watch: { event: 'thread:watch', payload: { threadId } }, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
  const b = await clients.call({ op: 'connect', set: 'bare', urls: bare, n: SOCKETS, watch: { event: 'join' }, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
  log(`${SOCKETS} sockets watching on Agora in ${fmt(a.ms! / 1000, 1)} s, ${SOCKETS} joined on bare in ${fmt(b.ms! / 1000, 1)} s`);

  const agoraTrial = async (i: number) => {
    const created = await session.expect(201, `/api/threads/${threadId}/posts`, { body: `Bench reply number ${i}, about to be removed.` });
    const postId = (created.body as { post: { id: string } }).post.id;
    await clients.lastReceipt('agora', 'post:created', postId); // every socket has the post before it goes
    await sleep(SETTLE_MS);
    const t0 = wallNow();
    const res = await session.expect(200, `/api/posts/${postId}/remove`, { reason: 'removal bench' });
    const last = await clients.lastReceipt('agora', 'post:removed', postId);
    return { propagation: last - t0, request: res.ms };
  };
  const bareTrial = async (i: number) => {
    const postId = `bare-${tag}-${i}`;
    await sleep(SETTLE_MS);
    const t0 = wallNow();
    const res = await fetch(`${bare[1]}/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: i + 1, postId, threadId: 'bare-thread' }), signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) });
    await res.text();
    const request = wallNow() - t0;
    if (res.status !== 204) throw new Error(`bare POST /emit: ${res.status}`);
    const last = await clients.lastReceipt('bare', 'post:removed', postId);
    return { propagation: last - t0, request };
  };

  const agoraRuns: { propagation: number; request: number }[] = [];
  const bareRuns: { propagation: number; request: number }[] = [];
  for (let i = 0; i < WARMUP + TRIALS; i++) {
    // Alternate which side goes first, so neither always follows the other's work.
    const order = i % 2 === 0 ? ([[agoraTrial, agoraRuns], [bareTrial, bareRuns]] as const) : ([[bareTrial, bareRuns], [agoraTrial, agoraRuns]] as const);
    for (const [trial, runs] of order) {
      const r = await trial(i);
      if (r.propagation < 0) throw new Error(`negative propagation time (${r.propagation} ms): the two processes' clocks disagree`);
      if (i >= WARMUP) runs.push(r);
    }
  }

  const ag = summary(agoraRuns.map((r) => r.propagation));
  const ba = summary(bareRuns.map((r) => r.propagation));
  const agReq = summary(agoraRuns.map((r) => r.request));
  const baReq = summary(bareRuns.map((r) => r.request));
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const vs = (x: number, y: number) => `${fmt(x / y, 2)}×`;
  const bareLabel = 'bare socket.io + Redis adapter';
  const target = 1.5 * ba.p99 + agReq.p99;
  const n = `${TRIALS} trials`;
  return [
    { section: SECTION, metric: `remove → last of 1,000 sockets (2 procs), p50 (${n})`, agora: ms(ag.p50), baseline: `${ms(ba.p50)} (${bareLabel})`, ratio: vs(ag.p50, ba.p50), target: '', ok: null },
    { section: SECTION, metric: `remove → last of 1,000 sockets, p99 (nearest rank = max at ${TRIALS})`, agora: ms(ag.p99), baseline: `${ms(ba.p99)} (${bareLabel})`, ratio: vs(ag.p99, ba.p99), target: '', ok: null },
    { section: SECTION, metric: 'remove → last of 1,000 sockets, max', agora: ms(ag.max), baseline: `${ms(ba.max)} (${bareLabel})`, ratio: vs(ag.max, ba.max), target: '', ok: null },
    { section: SECTION, metric: 'request\'s own time until response, p50 / p99', agora: `${ms(agReq.p50)} / ${ms(agReq.p99)} (POST /remove)`, baseline: `${ms(baReq.p50)} / ${ms(baReq.p99)} (bare POST /emit)`, ratio: `p99 ${vs(agReq.p99, baReq.p99)}`, target: '', ok: null },
    {
      section: SECTION, metric: 'p99 within 1.5× bare broadcast + request\'s own time', agora: ms(ag.p99), baseline: `${ms(ba.p99)} bare p99, ${ms(agReq.p99)} Agora request p99`,
      ratio: `${fmt(ag.p99 / target, 2)}× of target`, target: `≤ 1.5 × bare p99 + Agora request p99 = ${ms(target)}`, ok: ag.p99 <= target,
    },
  ];
}

async function cleanUp(ctx: Context): Promise<void> {
  const steps: [string, () => Promise<unknown>][] = [
    ['clients', async () => {
      if (!ctx.clients) return;
      await ctx.clients.call({ op: 'close' }, 5_000).catch(() => {});
      if (ctx.clients.proc.child.connected) ctx.clients.proc.child.disconnect();
      await ctx.clients.proc.stop();
    }],
    ['servers', () => Promise.all(ctx.servers.map((s) => s.stop()))],
    ['store', async () => ctx.stores?.close()],
    ['redis keys', () => cleanRedis(ctx.prefix)],
  ];
  for (const [what, step] of steps) {
    await withTimeout(step(), 15_000, `cleaning up ${what}`).catch((err: Error) => process.stderr.write(`  removal: cleanup of ${what} failed: ${err.message}\n`));
  }
}

export async function benchRemoval(): Promise<Row[]> {
  const ctx: Context = { prefix: `agora-bench-${randomBytes(6).toString('hex')}:`, servers: [] };
  const unpin = pinSelfToClientCore();
  try {
    return await withTimeout(measure(ctx), SECTION_TIMEOUT_MS, 'the removal bench');
  } finally {
    await cleanUp(ctx);
    unpin();
  }
}
