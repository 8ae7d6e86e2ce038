// The job queue on Redis (and Redis Cluster), with BullMQ: jobs live in Redis, so they survive the
// process that added them, and any process's worker runs each one exactly once (a job is taken
// with a lock; a worker that dies mid-job has it taken again after the stall interval). Built by
// the Redis stores (`Stores.jobQueue`); server/jobs/ picks it and knows only the JobQueue port.
import { ErrorCode, Job, Queue, Worker } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisDb, type RedisClient } from './db.js';
import { Unavailable } from '../../errors.js';
import type { JobData, JobOptions, JobQueue } from '../../jobs/queue.js';
import { DEFAULT_RETRY, KEEP_COMPLETED_MS, KEEP_FAILED_MS, type RetryOptions } from '../../jobs/options.js';

export interface BullJobQueueOptions {
  /** Agora's own connection: producers share it (it is never blocked by them). */
  client: RedisClient;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  logger: Logger;
  /** One queue per kind of workload keeps a slow kind from holding up the others. */
  name?: string;
  /** Jobs this process runs at once. */
  concurrency?: number;
  retry?: RetryOptions;
}

/**
 * BullMQ refuses custom ids that contain ':' (its key separator) or look like integers; ours are
 * free-form (`fanout:<postId>`), so they are mapped one-to-one onto ids it accepts.
 */
export function bullJobId(id: string): string {
  return 'j' + id.replaceAll('%', '%25').replaceAll(':', '%3A');
}

/**
 * The template of the worker's connections (BullMQ duplicates it for its main and its blocking
 * connection, and this one is never connected itself): it must not be Agora's, must
 * wait for Redis rather than fail a command while reconnecting (`maxRetriesPerRequest: null`,
 * offline queue on, no command timeout), and must not carry an ioredis keyPrefix (BullMQ prefixes
 * keys itself and refuses a client with one).
 */
function workerConnection(client: RedisClient): RedisClient {
  const override = { maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, keyPrefix: undefined, lazyConnect: true };
  if (client instanceof Cluster) {
    // Cluster.duplicate merges options one level deep: the per-node options are replaced whole.
    return client.duplicate([], { enableOfflineQueue: true, lazyConnect: true, redisOptions: { ...client.options.redisOptions, ...override } });
  }
  return (client as Redis).duplicate(override);
}

/**
 * The queue shares Agora's connection, so it fails like the stores do (RedisDb.run): Redis out of
 * reach is Unavailable (a 503 with nothing done), a reply error is a bug and stays one.
 */
async function unavailableOnOutage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name === 'ReplyError' && !/^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY)/.test(e.message)) throw err;
    throw new Unavailable('store', e.code ?? e.name);
  }
}

// Delayed jobs wait in a set of Agora's own, not in BullMQ's: BullMQ's add builds a Job, packs its
// options and runs a script over a dozen keys, about 55 µs of this process's CPU each, and a reply
// mentioning ten members schedules ten e-mails (npm run bench -- post-instructions). Here a delayed
// add is one small script: the job's name and data under its id in a hash, its due time in a sorted
// set. A started queue sweeps the set when the first job in it comes due (as its last sweep or its
// own adds found it) and at least every SWEEP_MS (for jobs another process added later), and hands
// what is due to BullMQ, due at once, with its id; only then is it taken out of the set. So a sweep
// that stops half-way, or two processes sweeping at once, add it twice, and BullMQ keeps one (its
// id), and a job outlives the process that added it. An id waiting here is known: adding it again
// does nothing.
const SWEEP_MS = 5_000;
const SWEEP_BATCH = 200;

const LATER_SCRIPTS = {
  // KEYS: due times (zset), jobs (hash); ARGV: id, due time, job.
  agoraJobLater: { keys: 2, lua: `if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 1 then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end return 0` },
  // KEYS: due times, jobs; ARGV: now, count. The due jobs (id, job, id, job…), then the due time
  // of the first job not yet due, or '' if none waits.
  agoraJobsDue: {
    keys: 2,
    lua: `local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  local job = redis.call('HGET', KEYS[2], id)
  if job then out[#out + 1] = id; out[#out + 1] = job else redis.call('ZREM', KEYS[1], id) end
end
local nxt = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
out[#out + 1] = nxt[2] or ''
return out`,
  },
  // KEYS: due times, jobs; ARGV: id, job, id, job… Each is taken out only if it is still the job
  // the sweep handed over (a cancel and a new add of the same id meanwhile stays).
  agoraJobsHanded: {
    keys: 2,
    lua: `for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[2], ARGV[i]); redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 0`,
  },
  // KEYS: due times, jobs; ARGV: id. 1 if it was waiting here.
  agoraJobUnlater: { keys: 2, lua: `redis.call('ZREM', KEYS[1], ARGV[1]) return redis.call('HDEL', KEYS[2], ARGV[1])` },
} as const;

type LaterClient = {
  agoraJobLater(due: string, jobs: string, id: string, at: number, job: string): Promise<unknown>;
  agoraJobsDue(due: string, jobs: string, now: number, count: number): Promise<string[]>;
  agoraJobsHanded(due: string, jobs: string, ...idJob: string[]): Promise<unknown>;
  agoraJobUnlater(due: string, jobs: string, id: string): Promise<number>;
};

export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly handlers = new Map<string, (data: JobData) => Promise<void>>();
  private worker?: Worker;
  private connection?: RedisClient;
  private readonly prefix: string;
  private readonly name: string;
  private readonly retry: RetryOptions;
  /** The delayed jobs' due times (zset) and jobs (hash, id → {name, data}), in the queue's slot. */
  private readonly later: { due: string; jobs: string };
  private readonly laterClient: LaterClient;
  private sweepTimer?: NodeJS.Timeout;
  private sweepAt = Infinity;
  private sweeping: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: BullJobQueueOptions) {
    this.name = opts.name ?? 'agora';
    this.retry = opts.retry ?? DEFAULT_RETRY;
    // Every key of the queue shares the `{jobs}` hash tag, so BullMQ's multi-key scripts stay on
    // one cluster slot (without it every add fails with CROSSSLOT); on plain Redis it is just a name.
    this.prefix = `${opts.keyPrefix}{jobs}`;
    this.later = { due: `${this.prefix}:${this.name}:agora-later`, jobs: `${this.prefix}:${this.name}:agora-later-jobs` };
    new RedisDb(opts.client, opts.keyPrefix).defineScripts(LATER_SCRIPTS);
    this.laterClient = opts.client as unknown as LaterClient;
    this.queue = new Queue(this.name, {
      connection: opts.client,
      prefix: this.prefix,
      defaultJobOptions: {
        attempts: this.retry.attempts,
        backoff: { type: 'exponential', delay: this.retry.backoffMs },
        // Kept by age, never by count: a count would forget ids early under load, and a custom id
        // de-duplicates only while the finished job is still kept.
        removeOnComplete: { age: KEEP_COMPLETED_MS / 1000 },
        removeOnFail: { age: KEEP_FAILED_MS / 1000 },
      },
    });
    this.queue.on('error', (err: Error & { code?: string }) => {
      // Only the code or the class: connection errors can carry host names.
      opts.logger.warn({ code: err.code ?? err.name, queue: this.name }, 'job queue error');
    });
  }

  async add(name: string, data: JobData, opts: JobOptions): Promise<void> {
    if (opts.delayMs && opts.delayMs > 0) {
      const at = Date.now() + Math.ceil(opts.delayMs);
      await unavailableOnOutage(this.laterClient.agoraJobLater(this.later.due, this.later.jobs, opts.id, at, JSON.stringify({ name, data })));
      this.wakeAt(at);
      return;
    }
    // BullMQ answers the existing job when the id is known: nothing is added twice.
    await unavailableOnOutage(this.queue.add(name, data, { jobId: bullJobId(opts.id) }));
  }

  async cancel(id: string): Promise<void> {
    // A job still waiting here is not in BullMQ (unless a sweep is handing it over at this very
    // moment: then it runs, as a job already running does); its handler reads everything again.
    if (await unavailableOnOutage(this.laterClient.agoraJobUnlater(this.later.due, this.later.jobs, id))) return;
    // A running job is locked and stays.
    await unavailableOnOutage(this.queue.remove(bullJobId(id)));
  }

  async promote(id: string): Promise<void> {
    const waiting = await unavailableOnOutage(this.opts.client.hget(this.later.jobs, id));
    if (waiting) {
      await this.handOver(id, waiting);
      return;
    }
    const job = await unavailableOnOutage(Job.fromId(this.queue, bullJobId(id)));
    // BullMQ's promote moves the job out of the delayed set in one script, or answers that it is
    // not there (due, running or finished already: nothing to do).
    const promoted = job?.promote().catch((err: Error & { code?: unknown }) => {
      if (err.code !== ErrorCode.JobNotInState) throw err;
    });
    await unavailableOnOutage(promoted ?? Promise.resolve());
  }

  handle(name: string, run: (data: JobData) => Promise<void>): void {
    if (this.worker) throw new Error('JobQueue.handle after start');
    this.handlers.set(name, run);
  }

  async start(): Promise<void> {
    if (this.worker || this.handlers.size === 0) return;
    const { logger } = this.opts;
    this.connection = workerConnection(this.opts.client);
    this.worker = new Worker(this.name, (job: Job) => this.run(job), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: this.opts.concurrency ?? 4,
      // After a connection error BullMQ pauses this long before asking Redis again (15 s by
      // default). Agora's own connections retry within 2 s, so jobs resume as soon as requests do;
      // and a pause still pending when the worker closes no longer holds the process for 15 s.
      runRetryDelay: 1000,
    });
    this.worker.on('error', (err: Error & { code?: string }) => {
      logger.warn({ code: err.code ?? err.name, queue: this.name }, 'job worker error');
    });
    this.worker.on('failed', (job: Job | undefined, err: Error & { code?: string; responseCode?: number }) => {
      // The job's name and attempt, and the error's class or code: never its message or data,
      // which can hold an address or an id that names a member.
      logger.warn({ job: job?.name, attempt: job?.attemptsMade, code: err.code ?? err.responseCode ?? err.name }, 'job failed');
    });
    // Not waiting for the worker's connection: with Redis away at start-up it would wait for as
    // long as that lasts, and jobs simply stay in Redis until a worker takes them.
    this.wakeAt(Date.now());
  }

  /** Sweeps at `at` (or sooner, if a sweep is set for sooner already); only a started queue sweeps. */
  private wakeAt(at: number): void {
    if (!this.worker || this.closed || at >= this.sweepAt) return;
    clearTimeout(this.sweepTimer);
    this.sweepAt = at;
    this.sweepTimer = setTimeout(() => {
      this.sweepAt = Infinity;
      this.sweeping ??= this.sweep().then((next) => {
        this.sweeping = null;
        this.wakeAt(Math.min(next, Date.now() + SWEEP_MS));
      });
    }, Math.max(0, at - Date.now()));
    this.sweepTimer.unref();
  }

  /**
   * Hands every due delayed job to BullMQ and answers when the next one comes due (Infinity: none
   * waits). A failure is logged and the next sweep tries again.
   */
  private async sweep(): Promise<number> {
    try {
      for (;;) {
        const due = await this.laterClient.agoraJobsDue(this.later.due, this.later.jobs, Date.now(), SWEEP_BATCH);
        const next = due.pop();
        if (due.length) await this.handOver(...due);
        if (due.length < SWEEP_BATCH * 2 || this.closed) return next ? Number(next) : Infinity;
      }
    } catch (err) {
      const e = err as Error & { code?: string };
      this.opts.logger.warn({ code: e.code ?? e.name, queue: this.name }, 'delayed jobs not handed over; trying again');
      return Infinity;
    }
  }

  /** `idJob`: id, job, id, job… Added to BullMQ due now (ids de-duplicate), then taken out of the set. */
  private async handOver(...idJob: string[]): Promise<void> {
    const jobs: { name: string; data: JobData; opts: { jobId: string } }[] = [];
    for (let i = 0; i < idJob.length; i += 2) {
      const { name, data } = JSON.parse(idJob[i + 1]!) as { name: string; data: JobData };
      jobs.push({ name, data, opts: { jobId: bullJobId(idJob[i]!) } });
    }
    await unavailableOnOutage(this.queue.addBulk(jobs));
    await unavailableOnOutage(this.laterClient.agoraJobsHanded(this.later.due, this.later.jobs, ...idJob));
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    // Another version of Agora may know this job: fail the attempt, so it is retried and a
    // process that does know it can take it.
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler(job.data as JobData);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweepTimer);
    await this.sweeping;
    // Waits for the running jobs (BullMQ's close without force), then lets go of the connections:
    // the queue's is Agora's own and stays open; the worker closes the two it made.
    await this.worker?.close();
    await this.queue.close();
    const c = this.connection;
    this.connection = undefined;
    c?.disconnect();
  }

  /** Tests: the job's state as BullMQ sees it ('delayed', 'completed', 'unknown'…). */
  async state(id: string): Promise<string> {
    if (await this.opts.client.hexists(this.later.jobs, id)) return 'delayed';
    return this.queue.getJobState(bullJobId(id));
  }
}
