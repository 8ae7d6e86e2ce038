// Notifications (issue 19, item 7) on Redis, each figure beside a same-run baseline:
// 1. What the NotificationCenter adds to writing a post (notify-write.ts): reply() with it as the
//    publisher's follower beside reply() without it, for a plain reply in a thread nobody watches
//    and for a reply mentioning 10 members; the request path's CPU and, measured apart, the
//    fan-out's in the background.
// 2. Fan-out: a thread with 1,000 watchers, each a signed-in member with a socket, half on each of
//    two Agora processes. From the start of the author's POST reply until the last watcher's
//    socket has `notification:new`, and until the last of the 1,000 notifications is stored.
//    Baseline: two bare socket.io processes with the same Redis adapter, 1,000 sockets in one room
//    (half on each), and one POST /emit broadcasting a `notification:new` of the same shape.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createStores } from '../../server/store/index.js';
import type { NotifyReply, NotifyRequest } from './notify-clients.js';
import { makeMembers, writeCost, type CaseCost } from './notify-write.js';
import { sessionCookie, setUpThread, startAgora, startBareSocketIo } from './fixture.js';
import { REDIS_URL, runSection, sleep, startGeneratorFor, startServers, summary, type Resources } from './harness.js';
import { wallNow } from './http-session.js';
import { checkFileLimit, freePort, pinning } from './processes.js';
import { fmt, type Row } from './table.js';

const SECTION = 'notify';
const WATCHERS = 1_000;
const TRIALS = 12;
const WARMUP = 2; // per side, not counted: first-use costs (JIT, BullMQ's scripts, connection pools)
const SETTLE_MS = 100; // quiet time before each trial, after the previous one has landed everywhere
const EVENT_TIMEOUT_MS = 20_000;
const CONNECT_TIMEOUT_MS = 60_000;
const SECTION_TIMEOUT_MS = 240_000;

function costRows(name: string, c: CaseCost): Row[] {
  const rate = c.rate.none / c.rate.notify - 1;
  const cpu = c.cpuUs.notify / c.cpuUs.none - 1;
  const total = (c.cpuUs.notify + c.backgroundUs) / c.cpuUs.none - 1;
  const ms = (n: number) => `${fmt(n, 2)} ms`;
  const row = (metric: string, agora: string, baseline: string, ratio: string, target = '', ok: boolean | null = null): Row => ({ section: SECTION, metric, agora, baseline, ratio, target, ok });
  return [
    row(`post creation, ${name}: CPU per reply() on Redis (16 in flight; fan-out paused)`, `${fmt(c.cpuUs.notify)} µs`, `${fmt(c.cpuUs.none)} µs (no NotificationCenter)`, `+${fmt(cpu * 100, 1)}%`, '< 15% added', cpu < 0.15),
    row('  posts/s while writing', fmt(c.rate.notify), `${fmt(c.rate.none)} (no NotificationCenter)`, `+${fmt(rate * 100, 1)}% cost`),
    row('  reply() p50 / p99 latency', `${ms(c.latency.notify.p50)} / ${ms(c.latency.notify.p99)}`, `${ms(c.latency.none.p50)} / ${ms(c.latency.none.p99)} (no NotificationCenter)`, ''),
    row('  delivery in the background (fan-out job: recipients, notifications stored, live notices, e-mail scheduled), CPU per reply', `${fmt(c.backgroundUs)} µs`, '', ''),
    row('  creation + delivery, CPU per reply', `${fmt(c.cpuUs.notify + c.backgroundUs)} µs`, `${fmt(c.cpuUs.none)} µs (no NotificationCenter)`, `+${fmt(total * 100, 1)}%`),
  ];
}

async function measure(res: Resources): Promise<Row[]> {
  checkFileLimit(2 * WATCHERS + 256, 'the notify bench');
  const { log } = res;
  const logger = pino({ level: 'silent' });
  log(`load average ${os.loadavg().map((x) => fmt(x, 1)).join(' ')} (other work on this machine slows every figure)`);
  res.stores = await createStores({ redisUrl: REDIS_URL, keyPrefix: res.prefix, secret: res.secret, logger });
  const rows: Row[] = [];

  // 1. Post creation cost, in this process.
  let t = performance.now();
  const w = await writeCost(res.stores, logger, randomBytes(3).toString('hex'));
  log(`write cost: ${fmt(w.plain.posts + w.mentions.posts)} replies in ${fmt((performance.now() - t) / 1000, 1)} s; a mentioned member has ${fmt(w.stored)} unread`);
  rows.push(...costRows('plain reply, thread nobody watches', w.plain), ...costRows('reply mentioning 10 members', w.mentions));

  // 2. Fan-out to 1,000 watchers on two processes.
  const ports = await Promise.all([0, 1, 2, 3].map(() => freePort()));
  t = performance.now();
  await startServers(res, [startAgora(res, 'agora A', ports[0]!), startAgora(res, 'agora B', ports[1]!), startBareSocketIo(res, 'bare A', ports[2]!), startBareSocketIo(res, 'bare B', ports[3]!)]);
  log(`4 servers up in ${fmt((performance.now() - t) / 1000, 1)} s; ${pinning}`);
  const [agora, bare] = [ports.slice(0, 2), ports.slice(2)].map((ps) => ps.map((p) => `http://127.0.0.1:${p}`)) as [string[], string[]];
  const { threadId, sessions } = await setUpThread(res, agora[1]!, 1, 'member');
  const author = sessions[0]!;
  t = performance.now();
  const watchers = await makeMembers(res.stores, randomBytes(3).toString('hex'), WATCHERS);
  const cookies: string[] = [];
  for (let i = 0; i < watchers.length; i += 100) {
    const part = watchers.slice(i, i + 100);
    await Promise.all(part.map((m) => res.stores!.notifications.setSubscription(m.id, threadId, 'watching')));
    cookies.push(...(await Promise.all(part.map((m) => sessionCookie(res, m.id)))));
  }
  log(`${WATCHERS} watching members with sessions in ${fmt((performance.now() - t) / 1000, 1)} s`);

  const clients = startGeneratorFor<NotifyRequest, NotifyReply>(res, 'clients', 'scripts/bench/notify-clients');
  await clients.call({ op: 'clock' }, 30_000); // the generator is up
  const a = await clients.call({ op: 'connect', set: 'agora', urls: agora, cookies, timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
  const b = await clients.call({ op: 'connect', set: 'bare', urls: bare, cookies: cookies.map(() => null), join: 'join', timeoutMs: CONNECT_TIMEOUT_MS }, CONNECT_TIMEOUT_MS + 10_000);
  log(`${WATCHERS} signed-in sockets on Agora in ${fmt(a.ms! / 1000, 1)} s, ${WATCHERS} joined on bare in ${fmt(b.ms! / 1000, 1)} s`);

  // The store's own record of a post's notifications ({np:<postId}}, see store/redis/notifications.ts), polled apart from Agora's connection.
  const poller = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  poller.on('error', () => {});
  const storedAt = async (postId: string, deadline: number) => {
    const key = `${res.prefix}{np:${postId}}`;
    for (;;) {
      if ((await poller.scard(key)) >= WATCHERS) return wallNow();
      if (wallNow() > deadline) throw new Error(`${await poller.scard(key)} of ${WATCHERS} notifications stored after ${EVENT_TIMEOUT_MS} ms`);
      await sleep(1);
    }
  };
  const lastReceipt = async (set: string, key: string) => (await clients.call({ op: 'await', set, key, timeoutMs: EVENT_TIMEOUT_MS }, EVENT_TIMEOUT_MS + 5_000)).last!;

  const agoraTrial = async (i: number) => {
    const t0 = wallNow();
    const answer = await author.expect(201, `/api/threads/${threadId}/posts`, { body: `Bench reply number ${i}: the export cache needs clearing after the upgrade.` });
    const tAns = wallNow();
    const postId = (answer.body as { post: { id: string } }).post.id;
    const [stored, last] = await Promise.all([storedAt(postId, tAns + EVENT_TIMEOUT_MS), lastReceipt('agora', postId)]);
    // From the request's start: with fan-out this quick, watchers can hear of the reply before its author's answer arrives.
    return { live: last - t0, stored: stored - t0, request: tAns - t0 };
  };
  const bareTrial = async (i: number) => {
    const postId = `bare-${i}-${randomBytes(4).toString('hex')}`;
    const notification = {
      id: randomBytes(16).toString('base64url').slice(0, 22), kind: 'watched', at: new Date().toISOString(), read: false,
      actor: { id: 'bench-actor-id-000000', username: 'benchauthor' }, post: { id: postId, threadId }, thread: { id: threadId, title: 'Bench thread' },
    };
    const t0 = wallNow();
    const emitted = await fetch(`${bare[1]}/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'notification:new', payload: { notification } }), signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) });
    await emitted.text();
    const tAns = wallNow();
    if (emitted.status !== 204) throw new Error(`bare POST /emit: ${emitted.status}`);
    const last = await lastReceipt('bare', postId);
    return { live: last - t0, stored: NaN, request: tAns - t0 };
  };

  const runs = { agora: [] as { live: number; stored: number; request: number }[], bare: [] as { live: number; stored: number; request: number }[] };
  try {
    for (let i = 0; i < WARMUP + TRIALS; i++) {
      // Alternate which side goes first, so neither always follows the other's work.
      for (const side of i % 2 === 0 ? (['agora', 'bare'] as const) : (['bare', 'agora'] as const)) {
        await sleep(SETTLE_MS);
        const r = side === 'agora' ? await agoraTrial(i) : await bareTrial(i);
        if (r.live < 0) throw new Error(`negative delivery time (${r.live} ms): the two processes' clocks disagree`);
        if (i >= WARMUP) runs[side].push(r);
        else if (side === 'agora') log(`warm-up ${i + 1}: live ${fmt(r.live)} ms, stored ${fmt(r.stored)} ms`);
      }
    }
  } finally {
    poller.disconnect();
  }
  const [live, stored, bareLive] = [summary(runs.agora.map((r) => r.live)), summary(runs.agora.map((r) => r.stored)), summary(runs.bare.map((r) => r.live))];
  const req = summary(runs.agora.map((r) => r.request));
  log(`fan-out live per trial (ms): ${runs.agora.map((r) => fmt(r.live)).join(' ')}; stored: ${runs.agora.map((r) => fmt(r.stored)).join(' ')}`);
  log(`load average ${os.loadavg().map((x) => fmt(x, 1)).join(' ')}`);
  const ms = (n: number) => `${fmt(n, 1)} ms`;
  const bareLabel = 'bare socket.io + Redis adapter, one broadcast to the room';
  const n = `${TRIALS} replies; p99 = max at ${TRIALS}`;
  rows.push(
    {
      section: SECTION, metric: `reply sent → last of 1,000 watchers has notification:new live (2 procs), p50 / p99 (${n})`, agora: `${ms(live.p50)} / ${ms(live.p99)}`,
      baseline: `${ms(bareLive.p50)} / ${ms(bareLive.p99)} (${bareLabel})`, ratio: `p99 ${fmt(live.p99 / bareLive.p99, 1)}×`, target: 'p99 < 1 s', ok: live.p99 < 1_000,
    },
    {
      section: SECTION, metric: 'reply sent → all 1,000 notifications stored, p50 / p99', agora: `${ms(stored.p50)} / ${ms(stored.p99)}`,
      baseline: `${ms(bareLive.p50)} / ${ms(bareLive.p99)} (bare broadcast, nothing stored)`, ratio: `p99 ${fmt(stored.p99 / bareLive.p99, 1)}×`, target: 'p99 < 1 s', ok: stored.p99 < 1_000,
    },
    { section: SECTION, metric: '  the reply request itself (POST, 1,000 watchers), p50 / p99', agora: `${ms(req.p50)} / ${ms(req.p99)}`, baseline: '', ratio: '', target: '', ok: null },
  );
  return rows;
}

export function benchNotify(): Promise<Row[]> {
  return runSection(SECTION, SECTION_TIMEOUT_MS, measure);
}
