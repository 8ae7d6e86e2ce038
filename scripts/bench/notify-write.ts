// What notifications add to writing a post: the forum service's reply() on Redis with the
// NotificationCenter as the publisher's follower (live notices through socket.io's Redis adapter,
// the e-mail delivery's queue, as app.ts wires them), beside the same reply() with no follower, in
// alternating rounds. Two costs, measured apart:
// - post creation: this process's CPU while the replies are written (the request path: the
//   author's read position, the thread's watchers read, the fan-out job queued when a post
//   concerns someone). The fan-out worker is paused meanwhile, so none of its work lands here.
// - delivery, in the background: once a round ends, the worker (a second NotificationCenter on the
//   same queue, as another process's would be) is resumed until the queue is empty; its CPU is the
//   fan-out's (recipients found, notifications stored, live notices, e-mail scheduled).
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { loadConfig } from '../../server/config.js';
import { reply, startThread, type ForumDeps } from '../../server/forum/service.js';
import { ThreadPublisher } from '../../server/forum/publish.js';
import { createJobQueue, type JobQueue } from '../../server/jobs/index.js';
import { createMail } from '../../server/mail/index.js';
import { buildNotificationMail } from '../../server/notifications/mail/index.js';
import { NotificationCenter, type MemberChannel } from '../../server/notifications/service.js';
import { rooms } from '../../server/realtime/rooms.js';
import { hashPassword } from '../../server/auth/password.js';
import { newId, newToken } from '../../server/store/ids.js';
import type { Stores } from '../../server/store/index.js';
import type { UserRecord } from '../../server/store/users.js';
import { sleep, summary } from './harness.js';

const ROUNDS = 4; // per side and case, alternating which goes first
const ROUND_MS = 2_000;
const WIDTH = 16; // replies in flight: a busy process, Redis round trips overlapping
const DRAIN_MS = 20_000;

/** `n` members straight in the store, all with one password hash (one scrypt, not `n`). */
export async function makeMembers(stores: Stores, tag: string, n: number, from = 0): Promise<UserRecord[]> {
  const passwordHash = await hashPassword(`bench password ${tag}`);
  const made = Array.from({ length: n }, (_, i): UserRecord => ({
    id: newId(), username: `bn${tag}m${from + i}`, email: `bn${tag}m${from + i}@example.com`, passwordHash, role: 'member',
    createdAt: new Date().toISOString(), referralCode: newToken(8), referredBy: null, ban: null, emailVerified: true,
  }));
  for (let i = 0; i < made.length; i += 100) {
    const ok = await Promise.all(made.slice(i, i + 100).map((u) => stores.users.create(u)));
    if (ok.includes(false)) throw new Error('a bench member could not be created');
  }
  return made;
}

export interface CaseCost {
  rate: { notify: number; none: number };
  /** This process's CPU per reply while writing, µs (the request path; the fan-out is paused). */
  cpuUs: { notify: number; none: number };
  /** The fan-out's CPU per reply, µs, run after the round (background work on some process). */
  backgroundUs: number;
  latency: { notify: ReturnType<typeof summary>; none: ReturnType<typeof summary> };
  posts: number;
}

export interface WriteCost { plain: CaseCost; mentions: CaseCost; stored: number }

/** Jobs not yet finished on the fan-out queue (BullMQ's queue is private to BullJobQueue). */
const pending = async (jobs: JobQueue) => {
  const q = (jobs as unknown as { queue: { getJobCounts(...t: string[]): Promise<Record<string, number>> } }).queue;
  const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'paused');
  return Object.values(c).reduce((a, b) => a + b, 0);
};

/** BullMQ's worker of a started queue (private to BullJobQueue), to pause between rounds. */
const workerOf = (jobs: JobQueue) => (jobs as unknown as { worker: { pause(doNotWaitActive?: boolean): Promise<void>; resume(): void } }).worker;

async function drained(jobs: JobQueue): Promise<void> {
  const deadline = performance.now() + DRAIN_MS;
  while ((await pending(jobs)) > 0) {
    if (performance.now() > deadline) throw new Error(`notification fan-out still busy after ${DRAIN_MS} ms`);
    await sleep(2);
  }
}

export async function writeCost(stores: Stores, logger: Logger, tag: string): Promise<WriteCost> {
  const config = { ...loadConfig({ NODE_ENV: 'test' }), holdFirstPosts: 0, requireVerifiedEmail: false };
  const now = Date.now;
  // Live notices go where app.ts sends them: a member's room, through the Redis adapter.
  const adapter = stores.socketAdapter!(logger);
  const io = new Server({ adapter: adapter.adapter as never });
  const live: MemberChannel = { toMember: (userId: string, event: string, payload: unknown) => void io.to(rooms.user(userId)).emit(event, payload) };
  const mail = createMail(config, logger, now);
  const notificationMail = buildNotificationMail({ config, stores, mail: mail.transport, logger, now });
  // The writer's queue only adds jobs (never started); the worker's takes them, paused while replies are written.
  const jobs = createJobQueue(stores, { name: 'notify-fanout', logger, now });
  const workerJobs = createJobQueue(stores, { name: 'notify-fanout', logger, now });
  const centerDeps = { notifications: stores.notifications, forum: stores.forum, users: stores.users, delivery: notificationMail.delivery, live, logger, now };
  const center = new NotificationCenter({ ...centerDeps, jobs });
  new NotificationCenter({ ...centerDeps, jobs: workerJobs }); // registers the fan-out handler on the worker's queue
  await notificationMail.delivery.start();
  await workerJobs.start();
  const worker = workerOf(workerJobs);
  /** Runs the fan-out until the queue is empty; answers the CPU it took, µs. */
  const deliver = async () => {
    const cpu = process.cpuUsage();
    worker.resume();
    await drained(jobs);
    await worker.pause();
    const used = process.cpuUsage(cpu);
    return used.user + used.system;
  };
  await worker.pause();
  try {
    const base = {
      forum: stores.forum, users: stores.users, config, now,
      postLimiter: stores.limiters.create('bench-notify-posts', 1_000_000_000, 60),
      previewLimiter: stores.limiters.create('bench-notify-previews', 1_000_000_000, 60),
    };
    const deps: Record<'notify' | 'none', ForumDeps> = {
      notify: { ...base, publisher: new ThreadPublisher(() => undefined, stores.forum, stores.users, [center]) },
      none: { ...base, publisher: new ThreadPublisher(() => undefined, stores.forum, stores.users) },
    };
    const [starter, ...authors] = await makeMembers(stores, tag, 9);
    const mentioned = await makeMembers(stores, `${tag}x`, 10);
    const forumId = newId();
    await stores.forum.createForum({ id: forumId, slug: `bench-notify-${tag}`, title: 'Bench', description: 'bench forum', createdAt: new Date().toISOString() });
    // Threads started without the follower: nobody watches them (a starter watches once its fan-out runs).
    const threads: string[] = [];
    for (let i = 0; i < 32; i++) threads.push((await startThread(deps.none, starter!, forumId, { title: `Bench thread ${i}`, body: 'The first post.', acknowledgePii: [] })).thread.id);
    const bodies = {
      plain: 'Thanks, that fixed it for me too! Clear the **export cache** after upgrading, or the old column order sticks around.',
      mentions: `Thanks, that fixed it for me too! ${mentioned.map((m) => `@${m.username}`).join(' ')} — clear the **export cache** after upgrading.`,
    };
    let n = 0;
    const one = async (d: ForumDeps, body: string, times: number[]) => {
      const i = n++;
      const t = performance.now();
      await reply(d, authors[i % authors.length]!, threads[i % threads.length]!, { body, acknowledgePii: [] });
      times.push(performance.now() - t);
    };
    const round = async (d: ForumDeps, body: string, times: number[]) => {
      let done = 0;
      const start = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(Array.from({ length: WIDTH }, async () => {
        while (performance.now() - start < ROUND_MS) {
          await one(d, body, times);
          done++;
        }
      }));
      const used = process.cpuUsage(cpu);
      const ms = performance.now() - start;
      return { done, ms, cpuUs: used.user + used.system, backgroundUs: await deliver() }; // no follower: nothing queued
    };
    const measureCase = async (body: string): Promise<CaseCost> => {
      // Warm-up of both sides: the content pipeline, the scripts, BullMQ's first calls.
      for (const side of ['none', 'notify'] as const) await Promise.all(Array.from({ length: WIDTH }, async () => { for (let k = 0; k < 12; k++) await one(deps[side], body, []); }));
      await deliver();
      const totals = { notify: { done: 0, ms: 0, cpuUs: 0, backgroundUs: 0 }, none: { done: 0, ms: 0, cpuUs: 0, backgroundUs: 0 } };
      const times = { notify: [] as number[], none: [] as number[] };
      for (let r = 0; r < 2 * ROUNDS; r++) {
        const side = (r % 4 === 0 || r % 4 === 3) ? 'notify' : 'none'; // f n n f f n n f …
        const t = await round(deps[side], body, times[side]);
        totals[side].done += t.done;
        totals[side].ms += t.ms;
        totals[side].cpuUs += t.cpuUs;
        totals[side].backgroundUs += t.backgroundUs;
      }
      return {
        rate: { notify: (totals.notify.done * 1000) / totals.notify.ms, none: (totals.none.done * 1000) / totals.none.ms },
        cpuUs: { notify: totals.notify.cpuUs / totals.notify.done, none: totals.none.cpuUs / totals.none.done },
        backgroundUs: totals.notify.backgroundUs / totals.notify.done,
        latency: { notify: summary(times.notify), none: summary(times.none) },
        posts: totals.notify.done + totals.none.done,
      };
    };
    const plain = await measureCase(bodies.plain);
    const mentions = await measureCase(bodies.mentions);
    // The follower did its work: each mentioned member has a notification per reply that mentioned them.
    const stored = await stores.notifications.unreadCount(mentioned[0]!.id);
    if (stored === 0) throw new Error('no notification was stored for a mentioned member');
    return { plain, mentions, stored };
  } finally {
    await workerJobs.close();
    await jobs.close();
    await notificationMail.delivery.close();
    await mail.close();
    // Not io.close(): it was never attached to an HTTP server (its engine.close() would throw).
    await adapter.close();
  }
}
