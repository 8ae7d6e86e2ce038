// Memory: server RSS per idle connected socket at 1,000 and 10,000 sockets, measured from outside
// (VmRSS of /proc/<pid>/status; nothing added to the server). Agora's sockets have `thread:watch`ed
// one thread, anonymous as a logged-out reader's tab, or signed in (a session cookie per socket, each
// its own member, on a second Agora process); the bare socket.io server (same Redis adapter and
// engine options) has the same number of sockets `join`ed to one room.
// Per socket = (RSS with N sockets − RSS with the first WARM sockets) / (N − WARM), each RSS read
// after a full garbage collection (asked over the inspector protocol, inspector.ts, on every side
// alike) once it has settled: the warm-up sockets put the one-time costs of a first connection
// (compiled code, buffer pools) into the reference. The JS heap in use after that collection is
// reported per socket beside it (no target: what the sockets' objects take, without the allocator's
// and the kernel's share). What a fresh process has already committed to its heap
// still varies by several MiB from one start to the next, so each figure is the median over
// REPEATS pairs of freshly started servers. One server at a time holds sockets, so the generator
// never holds more than 10,000.
import { randomBytes } from 'node:crypto';
import type { ClientReply, ClientRequest } from './socket-clients.js';
import type { GeneratorChannel } from './ipc.js';
import { sessionCookie, setUpThread, startAgora, startBareSocketIo } from './fixture.js';
import { makeMembers } from './notify-write.js';
import { median, runSection, sleep, startGeneratorFor, startServers, stopServers, type Resources } from './harness.js';
import { checkFileLimit, freePort, pinning, rssKb } from './processes.js';
import { fmt, type Row } from './table.js';
import { collectGarbage } from './inspector.js';

const SECTION = 'memory';
const WARM = 100;
const STEPS = [1_000, 10_000];
const REPEATS = 3; // the bare server's figure at 1,000 sockets is bimodal (uncollected garbage or not): read its range too
const CONNECT_TIMEOUT_MS = 60_000;
const SECTION_TIMEOUT_MS = 900_000;
/** Issue 20's bound on what one idle socket may cost the server. */
const TARGET_KB = 20;
const SAMPLE_MS = 250;
const STABLE_SAMPLES = 8; // 2 s of samples within the tolerance
const SETTLE_MAX_MS = 12_000;

/**
 * The RSS once it holds still: the last STABLE_SAMPLES samples within 0.5% (at least 256 KiB) of
 * each other, or after SETTLE_MAX_MS their median, and whether it settled.
 */
export async function settledRss(pid: number): Promise<{ kb: number; settled: boolean }> {
  const samples: number[] = [];
  const deadline = Date.now() + SETTLE_MAX_MS;
  for (;;) {
    samples.push(rssKb(pid));
    const last = samples.slice(-STABLE_SAMPLES);
    if (last.length === STABLE_SAMPLES) {
      const [lo, hi] = [Math.min(...last), Math.max(...last)];
      if (hi - lo <= Math.max(256, hi * 0.005)) return { kb: last[last.length - 1]!, settled: true };
      if (Date.now() >= deadline) return { kb: median(last), settled: false };
    }
    await sleep(SAMPLE_MS);
  }
}

interface Side { name: string; pid: number; inspector: number; url: string; watch: { event: string; payload?: unknown }; cookies?: string[] }
interface Measured { idleKb: number; warmKb: number; perSocketKb: number[]; heapPerSocketKb: number[] }

/** A side's RSS, settled after a full garbage collection, and its JS heap in use after that collection. */
async function collectedRss(side: Side): Promise<{ kb: number; heapKb: number; settled: boolean }> {
  const heapKb = (await collectGarbage(side.inspector)) / 1024;
  const rss = await settledRss(side.pid);
  return { kb: rss.kb, heapKb, settled: rss.settled };
}

/** One server's figures: idle, with WARM sockets, then per socket at each of STEPS; its sockets closed after. */
async function measureSide(res: Resources, clients: GeneratorChannel<ClientRequest, ClientReply>, side: Side): Promise<Measured> {
  let connected = 0;
  const connect = async (n: number) => {
    const cookies = side.cookies?.slice(connected, connected + n);
    const c = await clients.call({ op: 'connect', set: `${side.name}-${n}`, urls: [side.url], n, watch: side.watch, timeoutMs: CONNECT_TIMEOUT_MS, ...(cookies ? { cookies } : {}) }, CONNECT_TIMEOUT_MS + 10_000 + 20 * n);
    connected += n;
    const { kb, heapKb, settled } = await collectedRss(side);
    res.log(`${side.name}: +${fmt(n)} sockets in ${fmt(c.ms! / 1000, 1)} s, RSS ${fmt(kb / 1024, 1)} MiB${settled ? '' : ' (did not settle: median of the last 2 s)'}, JS heap ${fmt(heapKb / 1024, 1)} MiB`);
    return { kb, heapKb };
  };
  const idle = await collectedRss(side);
  const warm = await connect(WARM);
  const perSocketKb: number[] = [];
  const heapPerSocketKb: number[] = [];
  for (const n of STEPS) {
    const at = await connect(n - connected);
    perSocketKb.push((at.kb - warm.kb) / (n - WARM));
    heapPerSocketKb.push((at.heapKb - warm.heapKb) / (n - WARM));
  }
  await clients.call({ op: 'close' }, 30_000);
  return { idleKb: idle.kb, warmKb: warm.kb, perSocketKb, heapPerSocketKb };
}

async function measure(res: Resources): Promise<Row[]> {
  checkFileLimit(Math.max(...STEPS) + 256, 'the memory bench');
  const clients = startGeneratorFor<ClientRequest, ClientReply>(res, 'clients', 'scripts/bench/socket-clients');
  await clients.call({ op: 'clock' }, 30_000); // the generator is up
  const results = { agora: [] as Measured[], signedIn: [] as Measured[], bare: [] as Measured[] };
  let threadId: string | undefined;
  let cookies: string[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const [agoraPort, signedPort, barePort, ...inspectors] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
    const inspect = (i: number) => [`--inspect=127.0.0.1:${inspectors[i]}`];
    const servers = await startServers(res, [
      startAgora(res, 'agora', agoraPort!, inspect(0)), startAgora(res, 'agora signed in', signedPort!, inspect(1)), startBareSocketIo(res, 'bare', barePort!, inspect(2)),
    ]);
    const [agora, signed, bare] = servers;
    res.log(`repeat ${r + 1} of ${REPEATS}: fresh servers up; ${pinning}`);
    const agoraUrl = `http://127.0.0.1:${agoraPort}`;
    if (!threadId) {
      threadId = (await setUpThread(res, agoraUrl, 1, 'member')).threadId; // in Redis: every later Agora process sees it
      // A member and a session per signed-in socket, straight in the store (one password hash for all).
      const t = performance.now();
      const members = await makeMembers(res.stores!, randomBytes(3).toString('hex'), Math.max(...STEPS));
      for (let i = 0; i < members.length; i += 200) cookies.push(...(await Promise.all(members.slice(i, i + 200).map((m) => sessionCookie(res, m.id)))));
      res.log(`${fmt(members.length)} members with sessions in ${fmt((performance.now() - t) / 1000, 1)} s`);
    }
    const watch = { event: 'thread:watch', payload: { threadId } };
    results.agora.push(await measureSide(res, clients, { name: 'agora', pid: agora!.child.pid!, inspector: inspectors[0]!, url: agoraUrl, watch }));
    results.signedIn.push(await measureSide(res, clients, { name: 'agora signed in', pid: signed!.child.pid!, inspector: inspectors[1]!, url: `http://127.0.0.1:${signedPort}`, watch, cookies }));
    results.bare.push(await measureSide(res, clients, { name: 'bare', pid: bare!.child.pid!, inspector: inspectors[2]!, url: `http://127.0.0.1:${barePort}`, watch: { event: 'join' } }));
    await stopServers(res, servers);
  }
  cookies = [];

  const kb = (x: number) => `${fmt(x, 1)} KiB`;
  const mib = (x: number) => `${fmt(x / 1024, 1)}`;
  const spread = (xs: number[]) => `${kb(median(xs))} (${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)})`;
  const bareLabel = 'bare socket.io + Redis adapter';
  const at = (m: Measured[], i: number) => m.map((x) => x.perSocketKb[i]!);
  const heapAt = (m: Measured[], i: number) => m.map((x) => x.heapPerSocketKb[i]!);
  return [
    ...STEPS.flatMap((n, i): Row[] => (['agora', 'signedIn'] as const).map((kind) => {
      const [a, b] = [median(at(results[kind], i)), median(at(results.bare, i))];
      return {
        section: SECTION, metric: `server RSS per idle socket, ${fmt(n)} sockets (${kind === 'agora' ? 'anonymous' : 'signed in'}, thread:watch); median (range) of ${REPEATS}`, agora: spread(at(results[kind], i)),
        baseline: `${spread(at(results.bare, i))} (${bareLabel}, room join)`, ratio: `${fmt(a / b, 2)}×`, target: `≤ ${TARGET_KB} KiB`, ok: a <= TARGET_KB,
      };
    })),
    ...STEPS.flatMap((n, i): Row[] => (['agora', 'signedIn'] as const).map((kind) => ({
      section: SECTION, metric: `JS heap in use per idle socket after a full collection, ${fmt(n)} sockets (${kind === 'agora' ? 'anonymous' : 'signed in'})`, agora: spread(heapAt(results[kind], i)),
      baseline: `${spread(heapAt(results.bare, i))} (${bareLabel})`, ratio: `${fmt(median(heapAt(results[kind], i)) / median(heapAt(results.bare, i)), 2)}×`, target: '', ok: null,
    }))),
    {
      section: SECTION, metric: `server RSS idle, then with ${WARM} warm-up sockets (median)`, agora: `${mib(median(results.agora.map((m) => m.idleKb)))} / ${mib(median(results.agora.map((m) => m.warmKb)))} MiB`,
      baseline: `${mib(median(results.bare.map((m) => m.idleKb)))} / ${mib(median(results.bare.map((m) => m.warmKb)))} MiB (${bareLabel})`, ratio: '', target: '', ok: null,
    },
  ];
}

export function benchMemory(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
