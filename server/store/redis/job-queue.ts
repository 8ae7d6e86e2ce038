// The job queue on Redis (and Redis Cluster), with BullMQ: jobs live in Redis, so they survive the
// process that added them, and any process's worker runs each one exactly once (a job is taken
// with a lock; a worker that dies mid-job has it taken again after the stall interval). Built by
// the Redis stores (`Stores.jobQueue`); server/jobs/ picks it and knows only the JobQueue port.
import { ErrorCode, Job, Queue, Worker } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisClient } from './db.js';
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

export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;
  private readonly handlers = new Map<string, (data: JobData) => Promise<void>>();
  private worker?: Worker;
  private connection?: RedisClient;
  private readonly prefix: string;
  private readonly name: string;
  private readonly retry: RetryOptions;

  constructor(private readonly opts: BullJobQueueOptions) {
    this.name = opts.name ?? 'agora';
    this.retry = opts.retry ?? DEFAULT_RETRY;
    // Every key of the queue shares the `{jobs}` hash tag, so BullMQ's multi-key scripts stay on
    // one cluster slot (without it every add fails with CROSSSLOT); on plain Redis it is just a name.
    this.prefix = `${opts.keyPrefix}{jobs}`;
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
    // BullMQ answers the existing job when the id is known: nothing is added twice.
    await unavailableOnOutage(this.queue.add(name, data, { jobId: bullJobId(opts.id), delay: opts.delayMs && opts.delayMs > 0 ? Math.ceil(opts.delayMs) : undefined }));
  }

  async cancel(id: string): Promise<void> {
    // A running job is locked and stays; its handler reads everything again anyway.
    await unavailableOnOutage(this.queue.remove(bullJobId(id)));
  }

  async promote(id: string): Promise<void> {
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
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name);
    // Another version of Agora may know this job: fail the attempt, so it is retried and a
    // process that does know it can take it.
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler(job.data as JobData);
  }

  async close(): Promise<void> {
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
    return this.queue.getJobState(bullJobId(id));
  }
}
