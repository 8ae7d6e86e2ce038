// The one way a test waits for something it cannot await directly (another process catching up, a
// Redis key expiring, a reconnect): ask again until the answer is right, up to a bound generous
// enough for a busy machine. The bound only ever fails a test; passing never depends on time.

export interface EventuallyOptions {
  /** What is being waited for, for the failure message ("B sees the ban"). */
  what?: string;
  /** How long to keep asking before failing; generous, since a busy machine is slow, not wrong. */
  timeoutMs?: number;
  /** Pause between two attempts. */
  intervalMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `check` until it passes: it resolves without throwing and does not answer `false`. Gives
 * back what the passing call returned. When the bound is reached, throws the last failure (the
 * assertion's own message, so the test says what was wrong), prefixed with `what`.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<Exclude<T, false>> {
  const { what = 'the check to pass', timeoutMs = 15_000, intervalMs = 20 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const answer = await check();
      if (answer !== false) return answer as Exclude<T, false>;
      failure = new Error('the check answered false');
    } catch (e) {
      failure = e;
    }
    if (Date.now() >= deadline) {
      const reason = failure instanceof Error ? failure.message : String(failure);
      throw Object.assign(new Error(`gave up after ${timeoutMs} ms waiting until ${what}: ${reason}`), { cause: failure });
    }
    await pause(intervalMs);
  }
}
