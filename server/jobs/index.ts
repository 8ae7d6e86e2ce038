// Picks the job queue that matches the store: the store's own (BullMQ on its Redis connection,
// built in store/redis/), or the in-process queue on the embedded store. Callers see only JobQueue.
import type { Stores } from '../store/index.js';
import type { JobQueue, StoreQueueOptions } from './queue.js';
import { MemoryJobQueue } from './memory.js';

export type { JobData, JobOptions, JobQueue } from './queue.js';

export interface JobQueueOptions extends StoreQueueOptions {
  /** The memory queue's clock (tests move it); BullMQ keeps Redis's own time. */
  now?: () => number;
}

export function createJobQueue(stores: Pick<Stores, 'jobQueue'>, opts: JobQueueOptions): JobQueue {
  const { now, ...shared } = opts;
  return stores.jobQueue?.(shared) ?? new MemoryJobQueue({ now, retry: opts.retry, logger: opts.logger });
}
