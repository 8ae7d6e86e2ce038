// What every section that starts processes shares: a unique Redis key prefix, one clean-up that
// runs whatever happened (generators, servers, store connection, the prefix's keys), a bound on
// the whole section, and small statistics helpers.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Stores } from '../../server/store/index.js';
import { GeneratorChannel } from './ipc.js';
import { pinSelfToClientCore, startGenerator, type Child } from './processes.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Nearest rank: with 20 values, p50 is the 10th and p99 the 20th (the max). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** p50, p99 and max of `values`; NaN each when there are none. */
/** The middle value (the upper one of an even count), without changing `values`. */
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

export function summary(values: number[]) {
  if (!values.length) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(values).sort();
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1]! };
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

/** What a section has started, so that its clean-up takes all of it down. */
export interface Resources {
  /** The Redis key prefix of everything this section writes (Agora's REDIS_KEY_PREFIX, adapter keys). */
  prefix: string;
  /** Agora's SESSION_SECRET for this section's processes and its own store connection. */
  secret: string;
  servers: Child[];
  generators: GeneratorChannel<{ op: string }, object>[];
  stores?: Stores;
  /** Set once the clean-up began: a start that lands later stops what it started at once. */
  closed: boolean;
  log(line: string): void;
}

/** Waits for every start (so none is still starting when a failure sends us to the clean-up), keeps them, throws the first failure. */
export async function startServers(res: Resources, starts: Promise<Child>[]): Promise<Child[]> {
  const settled = await Promise.allSettled(starts);
  const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  res.servers.push(...up);
  if (res.closed) await Promise.all(up.map((c) => c.stop()));
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  if (res.closed) throw new Error('section closed');
  return up;
}

/** Stops servers this section no longer needs (the clean-up stops the rest). */
export async function stopServers(res: Resources, servers: Child[]): Promise<void> {
  await Promise.all(servers.map((c) => c.stop()));
  res.servers = res.servers.filter((c) => !servers.includes(c));
}

export function startGeneratorFor<Req extends { op: string }, Ok extends object>(res: Resources, name: string, module: string): GeneratorChannel<Req, Ok> {
  if (res.closed) throw new Error('section closed');
  const g = new GeneratorChannel<Req, Ok>(startGenerator(name, module));
  res.generators.push(g as unknown as GeneratorChannel<{ op: string }, object>);
  return g;
}

async function cleanUp(name: string, res: Resources): Promise<void> {
  if (res.closed) return;
  res.closed = true;
  const steps: [string, () => Promise<unknown>][] = [
    ['generators', () => Promise.all(res.generators.map((g) => g.stop()))],
    ['servers', () => Promise.all(res.servers.map((s) => s.stop()))],
    ['store', async () => res.stores?.close()],
    ['redis keys', () => cleanRedis(res.prefix)],
  ];
  for (const [what, step] of steps) {
    await withTimeout(step(), 15_000, `cleaning up ${what}`).catch((err: Error) => process.stderr.write(`  ${name}: cleanup of ${what} failed: ${err.message}\n`));
  }
}

// Sections running now, so that an interrupt (Ctrl-C, SIGTERM) still cleans them up.
const active = new Map<Resources, string>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`bench: ${signal}, cleaning up…\n`);
    void Promise.all([...active].map(([res, name]) => cleanUp(name, res))).finally(() => process.exit(130));
  });
}

/**
 * Runs one section within `timeoutMs` with this process on the generators' core, then cleans up
 * whatever it started, whether it finished, failed, ran out of time or was interrupted.
 */
export async function runSection<T>(name: string, timeoutMs: number, measure: (res: Resources) => Promise<T>): Promise<T> {
  if (interrupted) throw new Error('interrupted');
  const res: Resources = {
    prefix: `agora-bench-${randomBytes(6).toString('hex')}:`,
    secret: randomBytes(24).toString('hex'),
    servers: [],
    generators: [],
    closed: false,
    log: (line) => process.stderr.write(`  ${name}: ${line}\n`),
  };
  const unpin = pinSelfToClientCore();
  active.set(res, name);
  try {
    return await withTimeout(measure(res), timeoutMs, `the ${name} bench`);
  } finally {
    await cleanUp(name, res);
    active.delete(res);
    unpin();
  }
}
