// Fan-out: `post:created` to 100 and to 1,000 sockets watching one thread on ONE Agora process
// (Redis store, so the socket.io Redis adapter too). The socket generator, in its own process,
// sends a burst of 50 POST /api/threads/:id/posts at once and times, for every (post, socket)
// pair, from just before that post's request to the socket's receipt. Baseline in the same run: a
// bare socket.io server with the same Redis adapter (like for like: Agora on Redis runs with it)
// and the same number of sockets in one room, where a burst of 50 POST /emit each broadcast a real
// `post:created` payload captured from Agora. Trials of the two alternate. A POST answered other
// than expected (Agora answers 503 when a Redis command waits more than 3 s, which an overloaded
// core can cause) is counted in its own row; the other rows cover the posts that were delivered.
// A third, informational side shows what the design itself allows: design-floor.ts (only the steps
// DESIGN.md requires of a post, no store write) broadcasting each post to the same number of
// sockets in a bare socket.io room with the same adapter, posted to by a signed-in member.
import type { BurstRequest, BurstResult, ClientReply, ClientRequest } from './socket-clients.js';
import { BENCH_POST, setUpThread, signUp, startAgora, startBareSocketIo, startDesignFloor } from './fixture.js';
import { runSection, sleep, startGeneratorFor, startServers, summary, type Resources } from './harness.js';
import { checkFileLimit, cpuMs, freePort, pinning } from './processes.js';
import { fmt, type Row } from './table.js';

const SECTION = 'fanout';
const SIZES = [100, 1_000];
const POSTS = 50; // per burst
const TRIALS = 6; // measured bursts per side and size
const WARMUP = 1; // per side and size, not counted
// Before the first size, each side bursts for this long, uncounted: Agora's post path (markdown-it,
// sanitize-html, libphonenumber, express, the Redis client) is far more code than a bare broadcast
// and V8 optimizes it only after thousands of calls. Measured cold, the first trials ran Agora's
// posts at about three times their warm cost. The http section warms up for 2 s the same way.
const WARMUP_MS = 3_000;
const SETTLE_MS = 200; // quiet time before each burst
const BURST_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 45_000;
const SECTION_TIMEOUT_MS = 180_000;

interface Pool { latencies: number[]; deliveries: number; spanMs: number; serverCpuMs: number; generatorCpuMs: number; requests: number; failures: string[] }

async function measure(res: Resources): Promise<Row[]> {
  checkFileLimit(3 * Math.max(...SIZES) + 256, 'the fan-out bench');
  const [agoraPort, barePort, floorPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const [agora, bare, floor] = await startServers(res, [
    startAgora(res, 'agora', agoraPort), startBareSocketIo(res, 'bare', barePort), startDesignFloor(res, 'design floor', floorPort, true),
  ]);
  res.log(`servers up; ${pinning}`);
  const agoraUrl = `http://127.0.0.1:${agoraPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const { tag, threadId, sessions } = await setUpThread(res, agoraUrl, 1, 'member');
  const session = sessions[0]!;
  const [floorSession] = await signUp(floorUrl, 1);
  const clients = startGeneratorFor<ClientRequest, ClientReply>(res, 'clients', 'scripts/bench/socket-clients');
  await clients.call({ op: 'clock' }, 30_000); // the generator is up

  const postBody = JSON.stringify({ body: BENCH_POST });
  const agoraBurst: BurstRequest[] = Array.from({ length: POSTS }, () => ({ url: `${agoraUrl}/api/threads/${threadId}/posts`, headers: session.headers('POST'), body: postBody, expect: 201 }));
  const floorBurst: BurstRequest[] = Array.from({ length: POSTS }, () => ({
    url: `${floorUrl}/api/threads/${threadId}/posts`, headers: floorSession!.headers('POST'), body: postBody, expect: 201,
  }));
  let captured: { seq: number; post: { id: string } } | undefined;
  const bareBurst = (trial: string): BurstRequest[] => Array.from({ length: POSTS }, (_, i) => {
    const key = `bare-${tag}-${trial}-${i}`;
    const payload = { ...captured!, seq: captured!.seq + i + 1, post: { ...captured!.post, id: key } };
    return { url: `${bareUrl}/emit`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'post:created', payload }), expect: 204, key };
  });

  const rows: Row[] = [];
  for (const n of SIZES) {
    const sets = { agora: `agora-${n}`, bare: `bare-${n}`, floor: `floor-${n}` };
    const a = await clients.call({ op: 'connect', set: sets.agora, urls: [agoraUrl], n, watch: { event: 'thread:watch', payload: { threadId } }, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
    const b = await clients.call({ op: 'connect', set: sets.bare, urls: [bareUrl], n, watch: { event: 'join' }, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
    const f = await clients.call({ op: 'connect', set: sets.floor, urls: [floorUrl], n, watch: { event: 'join' }, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
    res.log(`${n} sockets watching on Agora in ${fmt(a.ms! / 1000, 1)} s, ${n} joined on bare in ${fmt(b.ms! / 1000, 1)} s, on the design floor in ${fmt(f.ms! / 1000, 1)} s`);
    if (!captured) {
      // The baseline broadcasts exactly what Agora sends for this post (public view, same size).
      const { post } = (await session.expect(201, `/api/threads/${threadId}/posts`, { body: BENCH_POST })).body as { post: { id: string } };
      captured = (await clients.call({ op: 'await', set: sets.agora, event: 'post:created', key: post.id, timeoutMs: 10_000, payload: true }, 15_000)).payload as typeof captured;
      res.log(`captured post:created payload: ${fmt(JSON.stringify(captured).length)} bytes of JSON`);
    }
    const sides = [
      { name: 'agora', set: sets.agora, pid: agora!.child.pid!, burst: () => agoraBurst },
      { name: 'bare', set: sets.bare, pid: bare!.child.pid!, burst: (trial: string) => bareBurst(trial) },
      { name: 'floor', set: sets.floor, pid: floor!.child.pid!, burst: () => floorBurst },
    ];
    const pools = new Map<string, Pool>(sides.map((s) => [s.name, { latencies: [], deliveries: 0, spanMs: 0, serverCpuMs: 0, generatorCpuMs: 0, requests: 0, failures: [] }]));
    if (n === SIZES[0]) {
      for (const side of sides) {
        let bursts = 0;
        for (const start = performance.now(); performance.now() - start < WARMUP_MS; bursts++) {
          await clients.call({ op: 'burst', set: side.set, event: 'post:created', requests: side.burst(`warm-${bursts}`), timeoutMs: BURST_TIMEOUT_MS }, BURST_TIMEOUT_MS + 10_000);
        }
        res.log(`${side.name} warmed up with ${bursts} bursts of ${POSTS} in ${fmt(WARMUP_MS / 1000, 1)} s`);
      }
    }
    for (let i = 0; i < WARMUP + TRIALS; i++) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        await sleep(SETTLE_MS);
        const cpu = cpuMs(side.pid);
        const r = (await clients.call({ op: 'burst', set: side.set, event: 'post:created', requests: side.burst(`${n}-${i}`), timeoutMs: BURST_TIMEOUT_MS }, BURST_TIMEOUT_MS + 10_000)).burst!;
        if (r.failures.length) res.log(`${side.name}, ${n} sockets, burst ${i + 1}: ${r.failures.length} of ${POSTS} requests failed, e.g. ${r.failures[0]}`);
        if (i < WARMUP) continue;
        addTo(pools.get(side.name)!, r, cpuMs(side.pid) - cpu);
      }
    }
    await clients.call({ op: 'close', set: sets.agora }, 10_000);
    await clients.call({ op: 'close', set: sets.bare }, 10_000);
    await clients.call({ op: 'close', set: sets.floor }, 10_000);
    rows.push(...rowsFor(n, pools.get('agora')!, pools.get('bare')!, pools.get('floor')!));
  }
  return rows;
}

function addTo(pool: Pool, r: BurstResult, serverCpuMs: number): void {
  for (const l of r.latencies) pool.latencies.push(l);
  pool.deliveries += r.latencies.length;
  pool.spanMs += r.spanMs;
  pool.serverCpuMs += serverCpuMs;
  pool.generatorCpuMs += r.cpuMs;
  pool.requests += r.requestMs.length;
  pool.failures.push(...r.failures);
}

function rowsFor(n: number, ag: Pool, ba: Pool, fl: Pool): Row[] {
  const rate = (p: Pool) => (p.spanMs > 0 ? (p.deliveries * 1000) / p.spanMs : 0);
  const [agL, baL, flL] = [summary(ag.latencies), summary(ba.latencies), summary(fl.latencies)];
  const share = rate(ag) / rate(ba);
  const perK = (p: Pool) => (p.serverCpuMs * 1000) / p.deliveries;
  const failed = (p: Pool) => (p.failures.length ? `${fmt(p.failures.length)} (${[...new Set(p.failures.map((f) => f.slice(0, 3)))].join(', ')})` : '0');
  const busy = (p: Pool) => `${fmt((p.generatorCpuMs / p.spanMs) * 100)}%`;
  const what = `post:created → ${fmt(n)} sockets (1 proc)`;
  const bare = 'bare socket.io + Redis adapter';
  const ms = (x: number) => `${fmt(x, 1)} ms`;
  const deliveries = `${TRIALS}×${POSTS} posts, ${fmt(ag.deliveries)} deliveries`;
  return [
    { section: SECTION, metric: `${what}, delivered events/s (${deliveries})`, agora: fmt(rate(ag)), baseline: `${fmt(rate(ba))} (${bare})`, ratio: `${fmt(share * 100)}%`, target: '≥ 80% of bare', ok: share >= 0.8 },
    { section: SECTION, metric: `${what}, latency p50`, agora: ms(agL.p50), baseline: `${ms(baL.p50)} (${bare})`, ratio: `${fmt(agL.p50 / baL.p50, 2)}×`, target: '', ok: null },
    { section: SECTION, metric: `${what}, latency p99`, agora: ms(agL.p99), baseline: `${ms(baL.p99)} (${bare})`, ratio: `${fmt(agL.p99 / baL.p99, 2)}×`, target: '< 2× bare', ok: agL.p99 < 2 * baL.p99 },
    { section: SECTION, metric: `${what}, server CPU per 1,000 deliveries`, agora: ms(perK(ag)), baseline: `${ms(perK(ba))} (${bare})`, ratio: `${fmt(perK(ag) / perK(ba), 2)}×`, target: '', ok: null },
    {
      section: SECTION, metric: `${what}, POSTs not answered 201 (Agora) / 204 (bare), of ${fmt(ag.requests)}`, agora: failed(ag), baseline: `${failed(ba)} (${bare})`,
      ratio: '', target: '0', ok: ag.failures.length === 0,
    },
    // Near 100%, the one-core generator, not the server, set the pace: the wall-clock rows then understate the difference.
    { section: SECTION, metric: `${what}, load generator CPU busy during the bursts`, agora: busy(ag), baseline: `${busy(ba)} (${bare})`, ratio: '', target: '', ok: null },
    {
      section: SECTION, metric: `${what}, design floor (DESIGN.md's required steps + broadcast, no store): events/s, p99, CPU per 1,000`,
      agora: `${fmt(rate(fl))}, ${ms(flL.p99)}, ${ms(perK(fl))}`, baseline: `${fmt(rate(ba))}, ${ms(baL.p99)}, ${ms(perK(ba))} (${bare})`,
      ratio: `${fmt((rate(fl) / rate(ba)) * 100)}%, p99 ${fmt(flL.p99 / baL.p99, 2)}×`, target: '', ok: fl.failures.length === 0 ? null : false,
    },
  ];
}

export function benchFanout(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
