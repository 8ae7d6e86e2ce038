import { cleanBackend, makeStores, silentLogger, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import type { Stores } from '../../server/store/index.js';
import { newId } from '../../server/store/ids.js';
import { createJobQueue } from '../../server/jobs/index.js';
import { MemoryJobQueue } from '../../server/jobs/memory.js';
import type { JobData, JobQueue } from '../../server/jobs/queue.js';

// The job queue (issue 19), the same promises on every backend: the in-process queue on memory
// (time moved by its clock), BullMQ on Redis and on Redis Cluster (short retry backoffs waited for
// by polling; a delay that must not pass before some step is long, and the job is promoted after
// it). Each test has a queue of its own name, so no job of one test reaches another's.

const T0 = Date.parse('2031-05-06T07:00:00Z');
/** A delay no test waits out (memory's `finished` moves its clock by far less while polling). */
const DAY_MS = 86_400_000;
type Queue = JobQueue & { state(id: string): Promise<string> };

describe.each(['memory', 'redis', 'redis-cluster'] as const)('the job queue on %s', (kind) => {
  let stores: Stores;
  let other: Stores | undefined;
  const prefix = testPrefix();
  let clock = T0;
  const opened: JobQueue[] = [];
  const memory = kind === 'memory';
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((q) => q.close()));
  });
  afterAll(async () => {
    await stores?.close();
    await other?.close();
    await cleanBackend(kind, prefix);
  });

  /** A queue with short backoff (memory: 1 s of its clock; Redis: 30 ms). */
  function queue(name: string, on: Stores = stores): Queue {
    const q = createJobQueue(on, { logger: silentLogger(), name, now: () => clock, retry: { attempts: 3, backoffMs: memory ? 1000 : 30 } }) as Queue;
    opened.push(q);
    return q;
  }

  /** Lets time pass: memory moves its clock and runs what is due; Redis really waits a little. */
  async function pass(q: JobQueue, ms: number): Promise<void> {
    clock += ms;
    if (q instanceof MemoryJobQueue) await q.runDue();
  }

  /** Waits until the job is finished, moving the memory clock along so retries come due. */
  async function finished(q: Queue, id: string, state = 'completed'): Promise<void> {
    await eventually(async () => {
      if (memory) await pass(q, 5000);
      expect(await q.state(id)).toBe(state);
    }, { what: `job ${id} is ${state}` });
  }

  test('a job added once runs once, with its data', async () => {
    const q = queue(newId());
    const seen: JobData[] = [];
    q.handle('greet', async (data) => {
      seen.push(data);
    });
    await q.start();
    await q.add('greet', { who: 'ada', n: 1, ok: true, none: null }, { id: 'job-1' });
    await finished(q, 'job-1');
    expect(seen).toEqual([{ who: 'ada', n: 1, ok: true, none: null }]);
  });

  test('adding an id that is waiting or already done does nothing: the job runs once', async () => {
    const q = queue(newId());
    let runs = 0;
    q.handle('once', async () => {
      runs++;
    });
    await q.add('once', {}, { id: 'fanout:post-1' });
    await q.add('once', {}, { id: 'fanout:post-1' });
    await q.start();
    await finished(q, 'fanout:post-1');
    await q.add('once', {}, { id: 'fanout:post-1' });
    // A second job added after the repeat runs after it would have: when it is done, so is any repeat.
    await q.add('once', {}, { id: 'fanout:post-2' });
    await finished(q, 'fanout:post-2');
    expect(runs).toBe(2);
  });

  test('a delayed job does not run before its time, and runs when it comes', async () => {
    // "Before its time" is judged by state, not by a stopwatch: a job added after the delayed one
    // and due at once runs while the delayed one still waits (memory: by the queue's clock; Redis,
    // whose clock no test moves: in BullMQ's own delayed set).
    const q = queue(newId());
    const ran: string[] = [];
    q.handle('job', async (data) => {
      ran.push(String(data.id));
    });
    await q.start();
    const due = clock + 300_000;
    await q.add('job', { id: 'late' }, { id: 'late', delayMs: 300_000 });
    await q.add('job', { id: 'now' }, { id: 'now' });
    await finished(q, 'now');
    expect(ran).toEqual(['now']);
    expect(await q.state('late')).toBe(memory ? 'waiting' : 'delayed');
    if (memory) {
      await pass(q, due - 1 - clock);
      expect(ran).toEqual(['now']);
      await pass(q, 1);
      await finished(q, 'late');
      expect(ran).toEqual(['now', 'late']);
    } else {
      // A short delay shows that a delayed job does run once Redis's time has come.
      await q.add('job', { id: 'soon' }, { id: 'soon', delayMs: 200 });
      await finished(q, 'soon');
      expect(ran).toEqual(['now', 'soon']);
    }
  });

  test('promote makes a delayed job due now; on a finished or unknown job it does nothing', async () => {
    const q = queue(newId());
    const ran: string[] = [];
    q.handle('job', async (data) => {
      ran.push(String(data.id));
    });
    await q.start();
    await q.add('job', { id: 'held' }, { id: 'held', delayMs: DAY_MS });
    await q.add('job', { id: 'other' }, { id: 'other', delayMs: DAY_MS });
    await q.promote('held');
    await finished(q, 'held');
    expect(ran).toEqual(['held']);
    expect(await q.state('other')).toBe(memory ? 'waiting' : 'delayed');
    await q.promote('held');
    await q.promote('never-added');
    // The other one runs when promoted, after the repeated promote: it did not run the first again.
    await q.promote('other');
    await finished(q, 'other');
    expect(ran).toEqual(['held', 'other']);
  });

  test('a handler that throws is tried again with backoff until it succeeds, and no more', async () => {
    const q = queue(newId());
    let calls = 0;
    q.handle('flaky', async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('450 mailbox busy'), { responseCode: 450 });
    });
    await q.start();
    await q.add('flaky', {}, { id: 'flaky-1' });
    if (memory) {
      await pass(q, 0);
      expect(calls).toBe(1);
      await pass(q, 999); // the first backoff is 1000 ms of the clock
      expect(calls).toBe(1);
    }
    await finished(q, 'flaky-1');
    expect(calls).toBe(3);
  });

  test('a job that keeps failing stops after its attempts and is not run again', async () => {
    const q = queue(newId());
    let calls = 0;
    q.handle('broken', async () => {
      calls++;
      throw new Error('always');
    });
    await q.start();
    await q.add('broken', {}, { id: 'broken-1' });
    await finished(q, 'broken-1', 'failed');
    expect(calls).toBe(3);
    await q.add('broken', {}, { id: 'broken-1' });
    await q.add('broken', {}, { id: 'after' });
    await finished(q, 'after', 'failed');
    expect(calls).toBe(6);
  });

  test('a cancelled job never runs; cancelling an unknown id is nothing', async () => {
    const q = queue(newId());
    const ran: string[] = [];
    q.handle('mail', async (data) => {
      ran.push(String(data.id));
    });
    await q.start();
    // Delayed beyond the test on every backend, so the cancel always comes before their time;
    // then both are promoted, so the cancelled one would be due now if it were still there.
    await q.add('mail', { id: 'cancelled' }, { id: 'cancelled', delayMs: DAY_MS });
    await q.add('mail', { id: 'kept' }, { id: 'kept', delayMs: DAY_MS });
    await q.cancel('cancelled');
    await q.cancel('never-added');
    await q.promote('cancelled');
    await q.promote('kept');
    await finished(q, 'kept');
    expect(ran).toEqual(['kept']);
    expect(await q.state('cancelled')).toBe('unknown');
  });

  test('close waits for the running job to finish', async () => {
    const q = queue(newId());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    let done = false;
    q.handle('slow', async () => {
      started = true;
      await gate;
      done = true;
    });
    await q.start();
    await q.add('slow', {}, { id: 'slow-1' });
    await eventually(() => started, { what: 'the job started' });
    let closed = false;
    const closing = q.close().then(() => {
      closed = true;
    });
    // The close is pending behind the job: one more turn of Redis (or the event loop) changes nothing.
    await q.state('slow-1');
    expect(closed).toBe(false);
    release();
    await closing;
    expect(done).toBe(true);
  });

  if (!memory) {
    /**
     * Two processes on one queue, both adding the same 30 jobs (as two processes reacting to the
     * same event would), `delayMs` from now: each job must run exactly once between them.
     */
    async function eachOnceOnTwo(tag: string, delayMs?: number): Promise<void> {
      other ??= await makeStores(kind, prefix);
      const name = newId();
      const a = queue(name);
      const b = queue(name, other);
      const runs = new Map<string, number>();
      const count = async (data: JobData) => {
        runs.set(String(data.id), (runs.get(String(data.id)) ?? 0) + 1);
      };
      a.handle('job', count);
      b.handle('job', count);
      await Promise.all([a.start(), b.start()]);
      const ids = Array.from({ length: 30 }, (_, i) => `${tag}-${i}`);
      await Promise.all(ids.flatMap((id) => [a.add('job', { id }, { id, delayMs }), b.add('job', { id }, { id, delayMs })]));
      await eventually(() => expect(runs.size).toBe(30), { what: 'every job ran' });
      for (const id of ids) await finished(a, id);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
    }

    test('two processes sharing Redis run each job exactly once between them', () => eachOnceOnTwo('n'));

    // Both sweep their delayed set at the same due time, each handing the same ids to BullMQ.
    test('delayed jobs added by both processes come due in both and still run once each', () => eachOnceOnTwo('d', 150));

    test('a delayed job outlives the process that added it: another process runs it when it comes due', async () => {
      other ??= await makeStores(kind, prefix);
      const name = newId();
      const adder = queue(name);
      const runner = queue(name, other);
      const ran: string[] = [];
      adder.handle('job', async () => {
        throw new Error('the adder has stopped; it must not run the job');
      });
      runner.handle('job', async (data) => {
        ran.push(String(data.id));
      });
      await adder.start();
      await adder.add('job', { id: 'orphan' }, { id: 'orphan', delayMs: 100 });
      await adder.close();
      expect(await runner.state('orphan')).toBe('delayed');
      // The runner never heard of it: its own sweep finds it (within a few seconds).
      await runner.start();
      await finished(runner, 'orphan');
      expect(ran).toEqual(['orphan']);
    });
  }
});
