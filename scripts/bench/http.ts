// HTTP post creation: POST /api/threads/:id/posts on one Agora process with the Redis store, driven
// by autocannon in its own process with 10 connections, each signed in as its own member (cookie +
// X-CSRF-Token), posting a ≈300-byte Markdown reply. Flood control is set high enough never to
// answer 429; every non-2xx answer is counted and fails the row. Baseline in the same run: a bare
// express 5 app (express.json(), one POST route answering 201) on the same core with the same
// autocannon settings. Rounds of the two alternate, so noise from the rest of the machine lands on both.
// Three informational sides bound what the post route could reach: GET /api/me as the same members
// (the floor every signed-in request pays before any post work), the same POST on Agora's in-memory
// backend (what is left with a store and adapter that cost next to nothing), and design-floor.ts
// (only the steps DESIGN.md requires of a post, without any store or publish at all).
import { BENCH_POST, setUpMemoryThread, setUpThread, signUp, startAgora, startAgoraInMemory, startDesignFloor } from './fixture.js';
import { runSection, startGeneratorFor, startServers, type Resources } from './harness.js';
import type { LoadReply, LoadRequest } from './http-load.js';
import { cpuMs, freePort, pinning, startServer } from './processes.js';
import { fmt, type Row } from './table.js';

const SECTION = 'http';
const MEMBERS = 10;
const CONNECTIONS = 10; // one per member
const WARMUP_S = 2; // per side, not counted: JIT, connection set-up
const ROUND_S = 5;
const ROUNDS = 2; // per side, alternating: 10 s of measured load each
const SECTION_TIMEOUT_MS = 120_000;

interface Totals { requests: number; seconds: number; serverCpuMs: number; p50: number[]; p99: number[]; non2xx: number; errors: number; codes: Map<string, number> }

const totals = (): Totals => ({ requests: 0, seconds: 0, serverCpuMs: 0, p50: [], p99: [], non2xx: 0, errors: 0, codes: new Map() });

function add(t: Totals, r: LoadReply, serverCpuMs: number, measured: boolean): void {
  // Failures count in every run, warm-up included; throughput and latency only in measured rounds.
  t.non2xx += r.non2xx;
  t.errors += r.errors + r.timeouts;
  for (const [code, n] of Object.entries(r.statusCodes)) t.codes.set(code, (t.codes.get(code) ?? 0) + n);
  if (!measured) return;
  t.requests += r.requests;
  t.seconds += r.durationS;
  t.serverCpuMs += serverCpuMs;
  t.p50.push(r.latencyMs.p50);
  t.p99.push(r.latencyMs.p99);
}

async function measure(res: Resources): Promise<Row[]> {
  const [agoraPort, barePort, memoryPort, floorPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const [agora, bare, memory, floor] = await startServers(res, [
    startAgora(res, 'agora', agoraPort),
    startServer('bare express', 'scripts/bench/bare-express', { PORT: String(barePort) }, 'bare express listening'),
    startAgoraInMemory(res, 'agora in memory', memoryPort),
    startDesignFloor(res, 'design floor', floorPort, false),
  ]);
  res.log(`servers up; ${pinning}`);
  const agoraUrl = `http://127.0.0.1:${agoraPort}`;
  const { threadId, sessions } = await setUpThread(res, agoraUrl, MEMBERS, 'member');
  const path = `/api/threads/${threadId}/posts`;
  const body = JSON.stringify({ body: BENCH_POST });
  const headers = sessions.map((s) => s.headers('POST'));
  const memoryUrl = `http://127.0.0.1:${memoryPort}`;
  const inMemory = await setUpMemoryThread(memoryUrl, MEMBERS);
  const memoryHeaders = inMemory.sessions.map((s) => s.headers('POST'));
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const floorHeaders = (await signUp(floorUrl, MEMBERS)).map((s) => s.headers('POST'));

  const load = startGeneratorFor<LoadRequest, LoadReply>(res, 'autocannon', 'scripts/bench/http-load');
  // The third side is a floor, not a target: GET /api/me runs everything a signed-in request runs
  // (request log, security headers, session read, account read, JSON answer) and no post work, so
  // it shows how much of the post's cost is the middleware every route pays.
  // The fourth side bounds what any Redis-side work could win: the same post on Agora's in-memory
  // backend, where the store and the socket.io adapter cost next to nothing.
  const getHeaders = sessions.map((s) => s.headers('GET'));
  const sides = [
    { name: 'agora', url: agoraUrl + path, method: 'POST' as const, pid: agora!.child.pid!, headers, t: totals() },
    { name: 'bare', url: `http://127.0.0.1:${barePort}` + path, method: 'POST' as const, pid: bare!.child.pid!, headers, t: totals() },
    { name: 'agora GET /api/me', url: `${agoraUrl}/api/me`, method: 'GET' as const, pid: agora!.child.pid!, headers: getHeaders, t: totals() },
    {
      name: 'agora in memory', url: `${memoryUrl}/api/threads/${inMemory.threadId}/posts`, method: 'POST' as const, pid: memory!.child.pid!,
      headers: memoryHeaders, t: totals(),
    },
    { name: 'design floor', url: floorUrl + path, method: 'POST' as const, pid: floor!.child.pid!, headers: floorHeaders, t: totals() },
  ];
  const run = async (side: (typeof sides)[number], durationS: number, measured: boolean) => {
    const cpu = cpuMs(side.pid);
    const r = await load.call({
      op: 'run', url: side.url, method: side.method, body, headers: side.headers, connections: CONNECTIONS, durationS,
    }, (durationS + 30) * 1000);
    add(side.t, r, cpuMs(side.pid) - cpu, measured);
    return r;
  };
  for (const s of sides) await run(s, WARMUP_S, false);
  for (let i = 0; i < ROUNDS; i++) {
    for (const s of i % 2 === 0 ? sides : [...sides].reverse()) {
      const r = await run(s, ROUND_S, true);
      res.log(`${s.name} round ${i + 1}: ${fmt(r.requestsPerS)} req/s, p99 ${r.latencyMs.p99} ms, non-2xx ${r.non2xx}`);
    }
  }

  const [ag, ba, me, mem, fl] = sides.map((s) => s.t) as [Totals, Totals, Totals, Totals, Totals];
  const rps = (t: Totals) => t.requests / t.seconds;
  const share = rps(ag) / rps(ba);
  const worst = (xs: number[]) => Math.max(...xs);
  const codes = (t: Totals) => [...t.codes].map(([c, n]) => `${c}: ${fmt(n)}`).join(', ');
  const runs = `${CONNECTIONS} conns, ${ROUNDS}×${ROUND_S} s`;
  const label = 'bare express 5 JSON endpoint';
  const cpuPer = (t: Totals) => t.serverCpuMs / t.requests;
  return [
    {
      section: SECTION, metric: `POST /api/threads/:id/posts requests/s (${MEMBERS} members, ${runs})`, agora: fmt(rps(ag)), baseline: `${fmt(rps(ba))} (${label})`,
      ratio: `${fmt(share * 100)}%`, target: '≥ 40% of bare', ok: share >= 0.4,
    },
    {
      section: SECTION, metric: 'latency p50 / p99 (the worse round of each)', agora: `${fmt(worst(ag.p50))} / ${fmt(worst(ag.p99))} ms`,
      baseline: `${fmt(worst(ba.p50))} / ${fmt(worst(ba.p99))} ms (${label})`, ratio: `p99 ${fmt(worst(ag.p99) / worst(ba.p99), 1)}×`, target: '', ok: null,
    },
    {
      section: SECTION, metric: 'server CPU per request (user + system)', agora: `${fmt(cpuPer(ag), 2)} ms`, baseline: `${fmt(cpuPer(ba), 2)} ms (${label})`,
      ratio: `${fmt(cpuPer(ag) / cpuPer(ba), 1)}×`, target: '', ok: null,
    },
    {
      section: SECTION, metric: 'non-2xx answers + errors, all runs incl. warm-up', agora: `${fmt(ag.non2xx)} + ${fmt(ag.errors)} (${codes(ag)})`,
      baseline: `${fmt(ba.non2xx)} + ${fmt(ba.errors)} (${codes(ba)})`, ratio: '', target: '0', ok: ag.non2xx === 0 && ag.errors === 0,
    },
    {
      section: SECTION, metric: `floor: GET /api/me requests/s, same members (session + account read, no post work)`, agora: `${fmt(rps(me))} (${fmt(cpuPer(me), 2)} ms CPU)`,
      baseline: `${fmt(rps(ba))} (${label})`, ratio: `${fmt((rps(me) / rps(ba)) * 100)}%`, target: '', ok: me.non2xx === 0 && me.errors === 0 ? null : false,
    },
    {
      section: SECTION, metric: 'bound: the same POST on the in-memory backend (no Redis, no adapter)', agora: `${fmt(rps(mem))} (${fmt(cpuPer(mem), 2)} ms CPU)`,
      baseline: `${fmt(rps(ba))} (${label})`, ratio: `${fmt((rps(mem) / rps(ba)) * 100)}%`, target: '', ok: mem.non2xx === 0 && mem.errors === 0 ? null : false,
    },
    {
      section: SECTION, metric: 'bound: DESIGN.md\'s required steps only (helmet, JSON, session, passport, CSRF, zod, pipeline; no store, no publish)',
      agora: `${fmt(rps(fl))} (${fmt(cpuPer(fl), 2)} ms CPU)`, baseline: `${fmt(rps(ba))} (${label})`, ratio: `${fmt((rps(fl) / rps(ba)) * 100)}%`, target: '',
      ok: fl.non2xx === 0 && fl.errors === 0 ? null : false,
    },
  ];
}

export function benchHttp(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
