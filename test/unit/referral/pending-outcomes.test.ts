// The background retry of a referral outcome the store could not take: it tries after each
// delay until an attempt succeeds, gives up after the last, and stops when the module closes.
import { PendingOutcomes } from '../../../server/referral/service.js';

const settle = () => new Promise((r) => setTimeout(r, 5));

test('tries after each delay until an attempt succeeds', async () => {
  const pending = new PendingOutcomes([1, 1, 1, 1]);
  let calls = 0;
  let gaveUp = false;
  pending.retry(async () => ++calls === 3, () => (gaveUp = true));
  for (let i = 0; i < 20 && calls < 3; i++) await settle();
  await settle();
  expect(calls).toBe(3);
  expect(gaveUp).toBe(false);
  expect(pending.size).toBe(0);
});

test('gives up after the last delay', async () => {
  const pending = new PendingOutcomes([1, 1]);
  let calls = 0;
  let gaveUp = false;
  pending.retry(async () => (calls++, false), () => (gaveUp = true));
  for (let i = 0; i < 20 && !gaveUp; i++) await settle();
  expect(calls).toBe(2);
  expect(gaveUp).toBe(true);
});

test('close cancels what is still waiting', async () => {
  const pending = new PendingOutcomes([20, 20]);
  let calls = 0;
  pending.retry(async () => (calls++, false), () => {});
  expect(pending.size).toBe(1);
  pending.close();
  expect(pending.size).toBe(0);
  await new Promise((r) => setTimeout(r, 60));
  expect(calls).toBe(0);
});
