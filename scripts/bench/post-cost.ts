// What the search index and notifications add to creating a post, as members create them:
// `POST /api/threads/:id/posts` over HTTP (session, CSRF, validation, pipeline, store, publish),
// driven by autocannon in its own process with 10 connections, each signed in as its own member.
// Three Agora processes on Redis, each on its own key prefix (so none follows another's writes or
// runs another's jobs): the whole of Agora, Agora without the search follower, and Agora without
// the notification service (scripts/bench/agora-followers.ts). Each process's CPU (user + system,
// read from /proc) is counted from the start of each round until it is idle again after it, so the
// work a post causes later on that process (the search feed, the notification fan-out job, e-mail
// scheduled) is in its figure and never in another side's round.
// Two posts: a reply in a thread its starter watches (one notification each, as most threads are
// watched by whoever started them), and a reply mentioning 10 members. Rounds alternate.
// With BENCH_POST_COST_INDEXED=<n> (e.g. 100000), each side's store first holds n generated posts
// (the search bench's corpus), so every process starts with an index of that size: what indexing
// adds to a post when the index is large (a bigger heap for the collector to mark, longer posting
// lists), not only on a new forum.
import pino from 'pino';
import { createAccount } from '../../server/auth/service.js';
import { createStores } from '../../server/store/index.js';
import { makeCorpus, seed } from './search-corpus.js';
import { BENCH_POST, setUpThread } from './fixture.js';
import { median, REDIS_URL, runSection, sleep, startGeneratorFor, startServers, type Resources } from './harness.js';
import type { LoadReply, LoadRequest } from './http-load.js';
import { cpuMs, freePort, pinning, startServer, type Child } from './processes.js';
import { fmt, type Row } from './table.js';

const SECTION = 'post-cost';
const MEMBERS = 10;
const CONNECTIONS = 10;
const MENTIONED = 10;
const WARMUP_S = 6; // per side and post: at 2 s, throughput still doubled over the first rounds (JIT)
const ROUND_S = 2;
const ROUNDS = 8; // per side and post, alternating the order; each side's figure is its median round
/** Posts each side's store holds before its process starts (BENCH_POST_COST_INDEXED; 0 by default). */
const INDEXED = Math.max(0, Math.floor(Number(process.env.BENCH_POST_COST_INDEXED ?? 0)) || 0);
/** Seeding and loading 100,000 posts per side take about a minute each on this machine. */
const SECTION_TIMEOUT_MS = 240_000 + INDEXED * 3;

type Without = '' | 'search' | 'notifications';
const SIDES: { without: Without; name: string }[] = [
  { without: '', name: 'Agora' },
  { without: 'search', name: 'without the search follower' },
  { without: 'notifications', name: 'without notifications' },
];

function startAgoraWithout(res: Resources, without: Without, prefix: string, port: number): Promise<Child> {
  // It says it listens once its search index is ready (agora-followers.ts): with INDEXED posts, a while.
  return startServer(`agora ${without || 'whole'}`, 'scripts/bench/agora-followers', {
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn',
    DEMO_ACCOUNTS: '0', SESSION_SECRET: res.secret, POST_RATE_PER_MINUTE: '1000000', BENCH_WITHOUT: without,
  }, 'Agora listening', 30_000 + INDEXED);
}

/** The same INDEXED generated posts in each prefix's store, written through the store API. */
async function seedPrefixes(res: Resources, prefixes: string[]): Promise<void> {
  const corpus = makeCorpus({ posts: INDEXED, threads: Math.max(1, Math.floor(INDEXED / 20)), forums: 10, authors: 1_000, seed: 20_261_207 });
  for (const prefix of prefixes) {
    const t = performance.now();
    const stores = await createStores({ redisUrl: REDIS_URL, keyPrefix: prefix, secret: res.secret, logger: pino({ level: 'silent' }) });
    try {
      await seed(stores, corpus, 256);
    } finally {
      await stores.close();
    }
    res.log(`${prefix}: ${fmt(INDEXED)} posts written in ${fmt((performance.now() - t) / 1000, 1)} s`);
  }
}

/** Per side and post: each measured round's CPU per post (ms) and posts/s, and every failed answer. */
interface Totals { cpu: number[]; rps: number[]; failed: number }

const SETTLE_WINDOW_MS = 200;
const SETTLE_LIMIT_MS = 20_000;

/**
 * The process's CPU (ms) once it is idle again: two windows in a row of SETTLE_WINDOW_MS with at
 * most one clock tick (10 ms, 5% of a core: its timers and blocked reads) each. Bounded.
 */
async function settledCpuMs(pid: number): Promise<number> {
  const until = Date.now() + SETTLE_LIMIT_MS;
  let last = cpuMs(pid);
  let quiet = 0;
  while (quiet < 2 && Date.now() < until) {
    await sleep(SETTLE_WINDOW_MS);
    const now = cpuMs(pid);
    quiet = now - last <= 10 ? quiet + 1 : 0;
    last = now;
  }
  if (quiet < 2) throw new Error(`pid ${pid} still busy ${SETTLE_LIMIT_MS / 1000} s after its round`);
  return last;
}

async function measure(res: Resources): Promise<Row[]> {
  const ports = await Promise.all(SIDES.map(() => freePort()));
  const prefixes = SIDES.map((_, i) => `${res.prefix}s${i}:`);
  if (INDEXED) await seedPrefixes(res, prefixes);
  const servers = await startServers(res, SIDES.map((s, i) => startAgoraWithout(res, s.without, prefixes[i]!, ports[i]!)));
  res.log(`3 servers up${INDEXED ? `, each with ${fmt(INDEXED)} posts indexed` : ''}; ${pinning}`);
  // Each side's members, thread and mentioned members on its own prefix (cleaned with the section's).
  const subs: Resources[] = [];
  const setups: { url: string; headers: Record<string, string>[]; mentioned: string[] }[] = [];
  try {
    for (let i = 0; i < SIDES.length; i++) {
      const sub: Resources = { ...res, prefix: prefixes[i]!, stores: undefined, servers: [], generators: [] };
      subs.push(sub);
      const url = `http://127.0.0.1:${ports[i]}`;
      const t = await setUpThread(sub, url, MEMBERS, 'member');
      const mentioned = await Promise.all(Array.from({ length: MENTIONED }, (_, k) =>
        createAccount(sub.stores!.users, { username: `pc${t.tag}m${k}`, email: `pc${t.tag}m${k}@example.com`, password: `bench password ${t.tag}` })));
      setups.push({ url: `${url}/api/threads/${t.threadId}/posts`, headers: t.sessions.map((s) => s.headers('POST')), mentioned: mentioned.map((m) => m.username) });
    }
  } finally {
    for (const sub of subs) await sub.stores?.close();
  }
  const posts = {
    watched: () => BENCH_POST,
    mentions: (names: string[]) => `${names.map((n) => `@${n}`).join(' ')} ${BENCH_POST}`,
  };
  const load = startGeneratorFor<LoadRequest, LoadReply>(res, 'autocannon', 'scripts/bench/http-load');
  const totals = new Map<string, Totals>();
  const run = async (side: number, post: keyof typeof posts, durationS: number, measured: boolean) => {
    const pid = servers[side]!.child.pid!;
    const setup = setups[side]!;
    const cpu = cpuMs(pid);
    const r = await load.call({
      op: 'run', url: setup.url, method: 'POST', body: JSON.stringify({ body: posts[post](setup.mentioned) }),
      headers: setup.headers, connections: CONNECTIONS, durationS,
    }, (durationS + 30) * 1000);
    const key = `${side}:${post}`;
    const t = totals.get(key) ?? { cpu: [], rps: [], failed: 0 };
    t.failed += r.non2xx + r.errors + r.timeouts;
    // The round's CPU includes what its posts set going (fan-out jobs, e-mail scheduling, the feed):
    // read once the process is idle again, so none of it spills into the next side's round (all
    // three share a core) or goes uncounted.
    const after = await settledCpuMs(pid);
    if (measured) {
      t.cpu.push((after - cpu) / r.requests);
      t.rps.push(r.requests / r.durationS);
    }
    totals.set(key, t);
    return r;
  };
  const order = SIDES.map((_, i) => i);
  for (const post of ['watched', 'mentions'] as const) {
    for (const side of order) await run(side, post, WARMUP_S, false);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? order : [...order].reverse()) {
        const r = await run(side, post, ROUND_S, true);
        res.log(`${post}, ${SIDES[side]!.name}, round ${round + 1}: ${fmt(r.requestsPerS)} req/s, p99 ${r.latencyMs.p99} ms`);
      }
    }
  }

  const rows: Row[] = [];
  const row = (metric: string, agora: string, baseline: string, ratio: string, target = '', ok: boolean | null = null): Row => ({ section: SECTION, metric, agora, baseline, ratio, target, ok });
  const per = (side: number, post: string) => {
    const t = totals.get(`${side}:${post}`)!;
    return { cpu: median(t.cpu), rps: median(t.rps), failed: t.failed };
  };
  const over = INDEXED ? `, ${fmt(INDEXED)} posts indexed` : '';
  for (const [post, label] of [['watched', `a reply in a thread its starter watches${over}`], ['mentions', `a reply mentioning 10 members${over}`]] as const) {
    const [whole, noSearch, noNotify] = SIDES.map((_, i) => per(i, post)) as [ReturnType<typeof per>, ReturnType<typeof per>, ReturnType<typeof per>];
    const search = whole.cpu / noSearch.cpu - 1;
    const notify = whole.cpu / noNotify.cpu - 1;
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x) * 100, 1)}%`;
    const ms = (x: ReturnType<typeof per>) => `${fmt(x.cpu, 3)} ms (${fmt(x.rps)}/s)`;
    // How far the share moves from round to round (the same round of each side, run back to back):
    // the middle half of the rounds' shares. On a noisy machine it spans more than the target.
    const spread = (side: number) => {
      const a = totals.get(`0:${post}`)!.cpu;
      const b = totals.get(`${side}:${post}`)!.cpu;
      const shares = a.map((x, r) => x / b[r]! - 1).sort((x, y) => x - y);
      return `${signed(shares[Math.floor((shares.length - 1) / 4)]!)} to ${signed(shares[Math.ceil((3 * (shares.length - 1)) / 4)]!)} by round`;
    };
    rows.push(
      row(`POST, ${label}: server CPU per post (posts/s), median of 8 rounds: search follower's share`, ms(whole), `${ms(noSearch)} without it`, `${signed(search)} (${spread(1)})`, '< 10% added', search < 0.1),
      row(`  notifications' share (fan-out, notices, e-mail scheduling included)`, ms(whole), `${ms(noNotify)} without them`, `${signed(notify)} (${spread(2)})`, '< 15% added', notify < 0.15),
      row('  answers other than 201, all runs', [whole, noSearch, noNotify].map((x) => fmt(x.failed)).join(' / '), '', '', '0', whole.failed + noSearch.failed + noNotify.failed === 0),
    );
  }
  return rows;
}

export function benchPostCost(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
