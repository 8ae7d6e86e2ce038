// Picks the job queue that matches the store: BullMQ on the store's Redis connection, or the
// in-process queue on the embedded store. Callers see only JobQueue.
import type { Logger } from 'pino';
import type { Stores } from '../store/index.js';
import type { JobQueue } from './queue.js';
import { BullJobQueue } from './bullmq.js';
import { MemoryJobQueue } from './memory.js';
import type { RetryOptions } from './options.js';

export type { JobData, JobOptions, JobQueue } from './queue.js';

export interface JobQueueOptions {
  logger: Logger;
  /** A queue per workload (e-mail, fan-out): a slow one never holds up the other. */
  name: string;
  /** The memory queue's clock (tests move it); BullMQ keeps Redis's own time. */
  now?: () => number;
  retry?: RetryOptions;
  concurrency?: number;
}

export function createJobQueue(stores: Pick<Stores, 'redis'>, opts: JobQueueOptions): JobQueue {
  if (stores.redis) {
    const { db } = stores.redis;
    return new BullJobQueue({ client: db.client, keyPrefix: db.prefix, logger: opts.logger, name: opts.name, retry: opts.retry, concurrency: opts.concurrency });
  }
  return new MemoryJobQueue({ now: opts.now, retry: opts.retry, logger: opts.logger });
}
