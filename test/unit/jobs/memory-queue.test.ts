import { MemoryJobQueue } from '../../../server/jobs/memory.js';
import { KEEP_COMPLETED_MS, KEEP_FAILED_MS } from '../../../server/jobs/options.js';

// The embedded store's job queue keeps a finished job's id for as long as BullMQ keeps it (two days
// when it succeeded, a week when it failed), so that adding it again does nothing, and forgets it
// after. Finished ids are forgotten oldest first, whatever else the queue holds.

function world() {
  let clock = Date.parse('2031-05-06T07:00:00Z');
  const q = new MemoryJobQueue({ now: () => clock, retry: { attempts: 2, backoffMs: 1000 } });
  const runs: string[] = [];
  q.handle('ok', async (d) => void runs.push(String(d.n)));
  q.handle('bad', async () => {
    throw new Error('always');
  });
  const pass = async (ms: number) => {
    clock += ms;
    await q.runDue();
  };
  return { q, runs, pass };
}

describe('the memory job queue keeps finished ids for a while', () => {
  test('a completed job\'s id is kept for two days: adding it again does nothing; after that, it runs again', async () => {
    const { q, runs, pass } = world();
    await q.start();
    await q.add('ok', { n: 1 }, { id: 'a' });
    await q.runDue();
    expect([runs, await q.state('a')]).toEqual([['1'], 'completed']);
    await pass(KEEP_COMPLETED_MS - 1000);
    await q.add('ok', { n: 2 }, { id: 'a' });
    await q.runDue();
    expect(runs).toEqual(['1']);
    await pass(2000);
    expect(await q.state('a')).toBe('unknown');
    await q.add('ok', { n: 3 }, { id: 'a' });
    await q.runDue();
    expect(runs).toEqual(['1', '3']);
    await q.close();
  });

  test('a failed job\'s id is kept for a week, longer than a completed one', async () => {
    const { q, pass } = world();
    await q.start();
    await q.add('bad', {}, { id: 'f' });
    await q.runDue();
    await pass(1000); // the retry's backoff
    expect(await q.state('f')).toBe('failed');
    await pass(KEEP_COMPLETED_MS + 1000);
    expect(await q.state('f')).toBe('failed');
    await pass(KEEP_FAILED_MS);
    expect(await q.state('f')).toBe('unknown');
    await q.close();
  });

  test('ids are forgotten oldest first, each after its own time, among many kept', async () => {
    const { q, runs, pass } = world();
    await q.start();
    for (let i = 0; i < 3000; i++) await q.add('ok', { n: i }, { id: `old-${i}` });
    await q.runDue();
    await pass(KEEP_COMPLETED_MS / 2);
    await q.add('ok', { n: -1 }, { id: 'young' });
    await q.runDue();
    expect(runs).toHaveLength(3001);
    await pass(KEEP_COMPLETED_MS / 2 + 1000);
    expect(await q.state('old-0')).toBe('unknown');
    expect(await q.state('old-2999')).toBe('unknown');
    expect(await q.state('young')).toBe('completed');
    await pass(KEEP_COMPLETED_MS / 2);
    expect(await q.state('young')).toBe('unknown');
    await q.close();
  });
});
