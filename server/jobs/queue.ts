// Background jobs (issue 19): work that must happen once, on some process, possibly later, and
// survive a process that stops — notification fan-out and e-mail. BullMQ on Redis; an in-process
// queue on the embedded store.
import type { Logger } from 'pino';
import type { RetryOptions } from './options.js';

export type JobData = Record<string, string | number | boolean | null>;

export interface JobOptions {
  /**
   * The job's identity: adding a job whose id is still known (waiting, delayed, running, or
   * finished and not yet aged out) does nothing. Makes "once per notification" hold across
   * processes and retries.
   */
  id: string;
  /** Run no sooner than this many milliseconds from now. */
  delayMs?: number;
}

export interface JobQueue {
  add(name: string, data: JobData, opts: JobOptions): Promise<void>;
  /** Cancels a job that has not started (a deleted member's pending e-mail); nothing if none. */
  cancel(id: string): Promise<void>;
  /**
   * Makes a job that is waiting out its delay (or a retry's backoff) due now; nothing for one that
   * is due, running, finished or unknown. The application never calls it: it is for operators
   * (sending held e-mail at once) and for tests, which promote a job instead of waiting for its
   * time, so what happens before the delay and what the job then does follow in a fixed order.
   */
  promote(id: string): Promise<void>;
  /**
   * The handler for jobs of `name`, on this process. A handler that throws is retried with
   * backoff (a few attempts), so handlers must be safe to run again.
   */
  handle(name: string, run: (data: JobData) => Promise<void>): void;
  /** Starts taking jobs (after every handle()). */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

/** What a shared store builds its own queue with (`Stores.jobQueue`: BullMQ in store/redis/). */
export interface StoreQueueOptions {
  /** A queue per workload (e-mail, fan-out): a slow one never holds up the other. */
  name: string;
  logger: Logger;
  retry?: RetryOptions;
  /** Jobs this process runs at once. */
  concurrency?: number;
}
