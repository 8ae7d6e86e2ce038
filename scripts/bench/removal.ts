// Removal propagation: 1,000 sockets watching one thread, half on each of two Agora processes on
// one Redis; from just before a moderator's POST /api/posts/:id/remove until the last socket has
// `post:removed`. Baseline in the same run: two bare socket.io processes with the same Redis
// adapter, the same number of sockets (half on each) in one room, and POST /emit on one process
// broadcasting one event of the same shape. Trials of the two alternate, so noise from the rest of
// the machine lands on both. Servers run on CPU 0, the load generator in its own process on CPU 1.
import type { ClientReply, ClientRequest, WatchedEvent } from './socket-clients.js';
import { freePort, checkFileLimit, pinning } from './processes.js';
import { runSection, sleep, startGeneratorFor, startServers, summary, type Resources } from './harness.js';
import { setUpThread, startAgora, startBareSocketIo } from './fixture.js';
import { wallNow } from './http-session.js';
import { fmt, type Row } from './table.js';
import type { GeneratorChannel } from './ipc.js';

const SOCKETS = 1_000;
const TRIALS = 20;
const WARMUP = 2; // per side, not counted: first-use costs (JIT, connection pools)
const SETTLE_MS = 50; // quiet time before each timed trial, after the previous event has landed
const EVENT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 45_000;
const SECTION_TIMEOUT_MS = 150_000;
const SECTION = 'removal';

/** Resolves with the wall-clock time the last of the set's sockets received `event` for `key`. */
async function lastReceipt(clients: GeneratorChannel<ClientRequest, ClientReply>, set: string, event: WatchedEvent, key: string): Promise<number> {
  return (await clients.call({ op: 'await', set, event, key, timeoutMs: EVENT_TIMEOUT_MS }, EVENT_TIMEOUT_MS + 5_000)).last!;
}

async function measure(res: Resources): Promise<Row[]> {
  // The generator holds both sets of sockets (2 × SOCKETS); each server holds half of one set.
  checkFileLimit(2 * SOCKETS + 256, 'the removal bench');
  const { log } = res;
  const [ports, barePorts] = [await Promise.all([freePort(), freePort()]), await Promise.all([freePort(), freePort()])];
  const started = wallNow();
  await startServers(res, [
    startAgora(res, 'agora A', ports[0]!),
    startAgora(res, 'agora B', ports[1]!),
    startBareSocketIo(res, 'bare A', barePorts[0]!),
    startBareSocketIo(res, 'bare B', barePorts[1]!),
  ]);
  log(`4 servers up in ${fmt((wallNow() - started) / 1000, 1)} s; ${pinning}`);
  const agora = ports.map((p) => `http://127.0.0.1:${p}`);
  const bare = barePorts.map((p) => `http://127.0.0.1:${p}`);

  // Every moderator request goes to process B.
  const { tag, threadId, sessions } = await setUpThread(res, agora[1]!, 1, 'moderator');
  const session = sessions[0]!;

  const clients = startGeneratorFor<ClientRequest, ClientReply>(res, 'clients', 'scripts/bench/socket-clients');
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
    await lastReceipt(clients, 'agora', 'post:created', postId); // every socket has the post before it goes
    await sleep(SETTLE_MS);
    const t0 = wallNow();
    const answer = await session.expect(200, `/api/posts/${postId}/remove`, { reason: 'removal bench' });
    const last = await lastReceipt(clients, 'agora', 'post:removed', postId);
    return { propagation: last - t0, request: answer.ms };
  };
  const bareTrial = async (i: number) => {
    const postId = `bare-${tag}-${i}`;
    await sleep(SETTLE_MS);
    const t0 = wallNow();
    const emitted = await fetch(`${bare[1]}/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'post:removed', payload: { seq: i + 1, postId, threadId: 'bare-thread' } }), signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) });
    await emitted.text();
    const request = wallNow() - t0;
    if (emitted.status !== 204) throw new Error(`bare POST /emit: ${emitted.status}`);
    const last = await lastReceipt(clients, 'bare', 'post:removed', postId);
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

export function benchRemoval(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
