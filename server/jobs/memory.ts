// The job queue of the embedded (memory) store: one process, so jobs live in a Map and die with
// it, like everything else in that store. It keeps BullMQ's promises that callers rely on: an id
// de-duplicates while its job is kept, a delay is respected, a throwing handler is retried with
// exponential backoff, close waits for running jobs.
//
// Time comes from an injected clock so tests move it instead of waiting. Due jobs are found by a
// short poll (unref'd, so it never keeps the process alive) comparing each waiting job's time with
// now(): timers set for "now() + delay" would not notice a test moving the clock, and recomputing
// them on every clock read would need the clock to announce its moves. A job added with no delay
// runs at once, without the poll. The poll looks at waiting jobs only: finished ones are kept (for
// their ids) in the order they finished and forgotten from the front, so two days of finished
// fan-out jobs (one per post that concerns someone) cost nothing per tick. Scanning every kept job
// on every tick and every add made each new post slower than the last (npm run bench -- http,
// the in-memory POST).
import type { Logger } from 'pino';
import type { JobData, JobOptions, JobQueue } from './queue.js';
import { DEFAULT_RETRY, KEEP_COMPLETED_MS, KEEP_FAILED_MS, backoffAfter, type RetryOptions } from './options.js';

interface Entry {
  name: string;
  data: JobData;
  /** When it may run next (clock ms). */
  runAt: number;
  attemptsMade: number;
  state: 'waiting' | 'running' | 'completed' | 'failed';
  /** When it finished, for forgetting its id after KEEP_*_MS. */
  finishedAt?: number;
}

export interface MemoryJobQueueOptions {
  now?: () => number;
  retry?: RetryOptions;
  pollMs?: number;
  logger?: Logger;
}

export class MemoryJobQueue implements JobQueue {
  private readonly jobs = new Map<string, Entry>();
  /** Ids of the jobs in state `waiting` (due or delayed): all a tick looks at. */
  private readonly waiting = new Set<string>();
  /** Finished jobs' ids with their entry, oldest first, per retention (completed, failed). */
  private readonly finished = { completed: new FinishedIds(KEEP_COMPLETED_MS), failed: new FinishedIds(KEEP_FAILED_MS) };
  private readonly handlers = new Map<string, (data: JobData) => Promise<void>>();
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private started = false;
  private closed = false;
  private readonly now: () => number;
  private readonly retry: RetryOptions;

  constructor(private readonly opts: MemoryJobQueueOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  async add(name: string, data: JobData, opts: JobOptions): Promise<void> {
    if (this.jobs.has(opts.id)) return;
    this.jobs.set(opts.id, { name, data, runAt: this.now() + Math.max(0, opts.delayMs ?? 0), attemptsMade: 0, state: 'waiting' });
    this.waiting.add(opts.id);
    if (!opts.delayMs) queueMicrotask(() => this.tick());
  }

  async cancel(id: string): Promise<void> {
    if (this.jobs.get(id)?.state !== 'waiting') return;
    this.jobs.delete(id);
    this.waiting.delete(id);
  }

  async promote(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (job?.state !== 'waiting' || job.runAt <= this.now()) return;
    job.runAt = this.now();
    queueMicrotask(() => this.tick());
  }

  handle(name: string, run: (data: JobData) => Promise<void>): void {
    if (this.started) throw new Error('JobQueue.handle after start');
    this.handlers.set(name, run);
  }

  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    this.timer = setInterval(() => this.tick(), this.opts.pollMs ?? 50);
    this.timer.unref();
    this.tick();
  }

  /** Runs every due job (also what the poll does); answers once those have finished. Tests may call it. */
  async runDue(): Promise<void> {
    this.tick();
    while (this.running.size) await Promise.all([...this.running]);
  }

  private tick(): void {
    if (!this.started || this.closed) return;
    const now = this.now();
    for (const id of this.waiting) {
      const job = this.jobs.get(id)!;
      if (job.runAt > now || !this.handlers.has(job.name)) continue;
      this.waiting.delete(id);
      this.runOne(id, job);
    }
    for (const kept of Object.values(this.finished)) kept.forget(now, this.jobs);
  }

  private runOne(id: string, job: Entry): void {
    const run = this.handlers.get(job.name)!;
    job.state = 'running';
    job.attemptsMade++;
    const p = Promise.resolve().then(() => run(job.data)).then(
      () => {
        job.state = 'completed';
        job.finishedAt = this.now();
        this.finished.completed.push(id, job);
      },
      (err: Error & { code?: string; responseCode?: number }) => {
        this.opts.logger?.warn({ job: job.name, attempt: job.attemptsMade, code: err?.code ?? err?.responseCode ?? err?.name }, 'job failed');
        if (job.attemptsMade >= this.retry.attempts) {
          job.state = 'failed';
          job.finishedAt = this.now();
          this.finished.failed.push(id, job);
        } else {
          job.state = 'waiting';
          job.runAt = this.now() + backoffAfter(this.retry, job.attemptsMade);
          this.waiting.add(id);
        }
      },
    ).finally(() => {
      this.running.delete(p);
    });
    this.running.add(p);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running.size) await Promise.all([...this.running]);
  }

  /** Tests: the job's state ('waiting', 'running', 'completed', 'failed'), or 'unknown'. */
  async state(id: string): Promise<string> {
    return this.jobs.get(id)?.state ?? 'unknown';
  }
}

/**
 * Finished jobs in the order they finished, so those older than `keepMs` are forgotten from the
 * front without looking at the rest. The clock only moves forward here (the app's, or a test's
 * moved ahead), so finishing order is age order.
 */
class FinishedIds {
  private ids: string[] = [];
  private entries: Entry[] = [];
  private head = 0;

  constructor(private readonly keepMs: number) {}

  push(id: string, entry: Entry): void {
    this.ids.push(id);
    this.entries.push(entry);
  }

  forget(now: number, jobs: Map<string, Entry>): void {
    while (this.head < this.ids.length && now - this.entries[this.head]!.finishedAt! > this.keepMs) {
      const id = this.ids[this.head]!;
      // Only if that id still names this finished entry (ids are never reused while kept).
      if (jobs.get(id) === this.entries[this.head]) jobs.delete(id);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
