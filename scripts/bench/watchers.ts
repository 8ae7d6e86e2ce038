// 10,000 watchers (issue 20, item 2): two Agora processes on one Redis, 10,000 sockets spread over
// 100 threads (100 watchers each, half on each process). Per trial, in one thread: a member's reply
// (from just before the POST until the last of its 100 watchers has `post:created`), then a
// moderator's removal of it (until the last has `post:removed`). Baseline in the same run: two bare
// socket.io processes with the same Redis adapter, 10,000 sockets in 100 rooms, and one POST /emit
// per event to one room. Each side's sockets live in a load generator of their own (one process
// cannot open 20,000 sockets under this machine's file limit), both on CPU 1; trials alternate.
import type { ClientReply, ClientRequest, WatchedEvent } from './socket-clients.js';
import { freePort, checkFileLimit, pinning } from './processes.js';
import { runSection, sleep, startGeneratorFor, startServers, summary, type Resources } from './harness.js';
import { setUpThread, startAgora, startBareSocketIo } from './fixture.js';
import { wallNow } from './http-session.js';
import { fmt, type Row } from './table.js';
import type { GeneratorChannel } from './ipc.js';

const SECTION = 'watchers';
const SOCKETS = 10_000;
const THREADS = 100;
const PER_THREAD = SOCKETS / THREADS;
const TRIALS = 30;
const WARMUP = 3; // per side, not counted
const SETTLE_MS = 50;
const EVENT_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 120_000;
const SECTION_TIMEOUT_MS = 420_000;
const TARGET_MS = 100;

type Clients = GeneratorChannel<ClientRequest, ClientReply>;

const lastReceipt = async (clients: Clients, set: string, event: WatchedEvent, key: string) =>
  (await clients.call({ op: 'await', set, event, key, count: PER_THREAD, timeoutMs: EVENT_TIMEOUT_MS }, EVENT_TIMEOUT_MS + 5_000)).last!;

async function measure(res: Resources): Promise<Row[]> {
  checkFileLimit(SOCKETS + 256, 'the watchers bench');
  const { log } = res;
  const ports = await Promise.all([0, 1, 2, 3].map(() => freePort()));
  const started = wallNow();
  await startServers(res, [
    startAgora(res, 'agora A', ports[0]!), startAgora(res, 'agora B', ports[1]!),
    startBareSocketIo(res, 'bare A', ports[2]!), startBareSocketIo(res, 'bare B', ports[3]!),
  ]);
  log(`4 servers up in ${fmt((wallNow() - started) / 1000, 1)} s; ${pinning}`);
  const [agora, bare] = [ports.slice(0, 2), ports.slice(2)].map((ps) => ps.map((p) => `http://127.0.0.1:${p}`)) as [string[], string[]];

  // A moderator (who replies and removes) and 100 threads, all through process B.
  const { forumId, threadId, sessions } = await setUpThread(res, agora[1]!, 1, 'moderator');
  const mod = sessions[0]!;
  const threads = [threadId];
  while (threads.length < THREADS) {
    const made = await mod.expect(201, `/api/forums/${forumId}/threads`, { title: `Watched thread ${threads.length}`, body: 'A thread with a hundred watchers.' });
    threads.push((made.body as { thread: { id: string } }).thread.id);
  }

  const gen = { agora: startGeneratorFor<ClientRequest, ClientReply>(res, 'clients agora', 'scripts/bench/socket-clients'), bare: startGeneratorFor<ClientRequest, ClientReply>(res, 'clients bare', 'scripts/bench/socket-clients') };
  await Promise.all([gen.agora.call({ op: 'clock' }, 30_000), gen.bare.call({ op: 'clock' }, 30_000)]);
  // Socket j watches thread j % 100 on process j % 2: each thread has 50 watchers on each process.
  const a = await gen.agora.call({
    op: 'connect', set: 'agora', urls: agora, n: SOCKETS, watch: { event: 'thread:watch' }, timeoutMs: CONNECT_TIMEOUT_MS,
    watches: threads.flatMap((t) => [{ event: 'thread:watch', payload: { threadId: t } }, { event: 'thread:watch', payload: { threadId: t } }]),
  }, CONNECT_TIMEOUT_MS + 10_000);
  const b = await gen.bare.call({
    op: 'connect', set: 'bare', urls: bare, n: SOCKETS, watch: { event: 'join' }, timeoutMs: CONNECT_TIMEOUT_MS,
    watches: threads.flatMap((_, k) => [{ event: 'join', payload: `room-${k}` }, { event: 'join', payload: `room-${k}` }]),
  }, CONNECT_TIMEOUT_MS + 10_000);
  log(`${fmt(SOCKETS)} sockets watching ${THREADS} threads on Agora in ${fmt(a.ms! / 1000, 1)} s; ${fmt(SOCKETS)} in ${THREADS} rooms on bare in ${fmt(b.ms! / 1000, 1)} s`);

  const agoraTrial = async (i: number) => {
    const threadId = threads[i % THREADS]!;
    await sleep(SETTLE_MS);
    let t0 = wallNow();
    const created = await mod.expect(201, `/api/threads/${threadId}/posts`, { body: `Watchers bench reply ${i}, about to be removed.` });
    const postId = (created.body as { post: { id: string } }).post.id;
    const reply = (await lastReceipt(gen.agora, 'agora', 'post:created', postId)) - t0;
    await sleep(SETTLE_MS);
    t0 = wallNow();
    await mod.expect(200, `/api/posts/${postId}/remove`, { reason: 'watchers bench' });
    const removal = (await lastReceipt(gen.agora, 'agora', 'post:removed', postId)) - t0;
    return { reply, removal };
  };
  const emit = async (to: string, event: string, payload: unknown) => {
    const r = await fetch(`${bare[1]}/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event, payload, to }), signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) });
    await r.text();
    if (r.status !== 204) throw new Error(`bare POST /emit: ${r.status}`);
  };
  const bareTrial = async (i: number) => {
    const room = `room-${i % THREADS}`;
    const postId = `bare-${i}`;
    await sleep(SETTLE_MS);
    let t0 = wallNow();
    await emit(room, 'post:created', { seq: 2 * i + 1, post: { id: postId } });
    const reply = (await lastReceipt(gen.bare, 'bare', 'post:created', postId)) - t0;
    await sleep(SETTLE_MS);
    t0 = wallNow();
    await emit(room, 'post:removed', { seq: 2 * i + 2, postId });
    const removal = (await lastReceipt(gen.bare, 'bare', 'post:removed', postId)) - t0;
    return { reply, removal };
  };

  const runs = { agora: [] as { reply: number; removal: number }[], bare: [] as { reply: number; removal: number }[] };
  for (let i = 0; i < WARMUP + TRIALS; i++) {
    for (const side of i % 2 === 0 ? (['agora', 'bare'] as const) : (['bare', 'agora'] as const)) {
      const r = side === 'agora' ? await agoraTrial(i) : await bareTrial(i);
      if (r.reply < 0 || r.removal < 0) throw new Error('negative delivery time: the processes\' clocks disagree');
      if (i >= WARMUP) runs[side].push(r);
    }
  }
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const rows: Row[] = [];
  for (const what of ['reply', 'removal'] as const) {
    const [ag, ba] = [summary(runs.agora.map((r) => r[what])), summary(runs.bare.map((r) => r[what]))];
    const label = what === 'reply' ? 'reply POST → last of its thread\'s 100 watchers has post:created' : 'remove POST → last of the thread\'s 100 watchers has post:removed';
    rows.push({
      section: SECTION, metric: `${label} (10,000 sockets, 100 threads, 2 procs), p50 / p99 (${TRIALS} trials; p99 = max)`, agora: `${ms(ag.p50)} / ${ms(ag.p99)}`,
      baseline: `${ms(ba.p50)} / ${ms(ba.p99)} (bare socket.io + Redis adapter, POST /emit to one room)`, ratio: `p99 ${fmt(ag.p99 / ba.p99, 2)}×`, target: `p99 < ${TARGET_MS} ms`, ok: ag.p99 < TARGET_MS,
    });
  }
  return rows;
}

export function benchWatchers(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
