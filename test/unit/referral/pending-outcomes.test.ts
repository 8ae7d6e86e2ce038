// The background retry of a referral outcome the store could not take: it tries after each
// delay until an attempt succeeds, gives up after the last, and stops when the module closes.
// The retries run on timers, so jest's fake timers move the clock instead of the test waiting.
import { PendingOutcomes } from '../../../server/referral/service.js';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('when the store keeps refusing, the outcome is tried again after each delay until it is taken', async () => {
  const pending = new PendingOutcomes([100, 200, 400, 800]);
  let calls = 0;
  let gaveUp = false;
  pending.retry(async () => ++calls === 3, () => (gaveUp = true));
  await jest.advanceTimersByTimeAsync(99);
  expect(calls).toBe(0);
  await jest.advanceTimersByTimeAsync(1);
  expect(calls).toBe(1);
  await jest.advanceTimersByTimeAsync(199);
  expect(calls).toBe(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(calls).toBe(2);
  await jest.advanceTimersByTimeAsync(400);
  expect(calls).toBe(3);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(calls).toBe(3);
  expect(gaveUp).toBe(false);
  expect(pending.size).toBe(0);
});

test('when every attempt fails, it gives up after the last delay', async () => {
  const pending = new PendingOutcomes([100, 200]);
  let calls = 0;
  let gaveUp = false;
  pending.retry(async () => (calls++, false), () => (gaveUp = true));
  await jest.advanceTimersByTimeAsync(299);
  expect([calls, gaveUp]).toEqual([1, false]);
  await jest.advanceTimersByTimeAsync(1);
  expect([calls, gaveUp]).toEqual([2, true]);
  expect(pending.size).toBe(0);
});

test('when the module closes, nothing still waiting is tried', async () => {
  const pending = new PendingOutcomes([20, 20]);
  let calls = 0;
  pending.retry(async () => (calls++, false), () => {});
  expect(pending.size).toBe(1);
  pending.close();
  expect(pending.size).toBe(0);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(calls).toBe(0);
});
