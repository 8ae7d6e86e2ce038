// What both queue implementations agree on: how often a failing job is tried again, how long a
// finished job's id is remembered (and so keeps de-duplicating), and the backoff between attempts.

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The wait before the second attempt; each later one waits twice the one before. */
  backoffMs: number;
}

/**
 * Six attempts 10 s apart at first: 10 + 20 + 40 + 80 + 160 s, about five minutes, rides out an
 * SMTP server restarting or greylisting us, without hammering one that is down for longer.
 */
export const DEFAULT_RETRY: RetryOptions = { attempts: 6, backoffMs: 10_000 };

/**
 * A finished job's id is kept this long, so adding the same id again (a retried request, a second
 * process, a restart replaying its work) does nothing. Two days: "once per notification" must
 * hold for at least a day after the job ran, and a failed one stays for a week, long enough for
 * someone to look at why.
 */
export const KEEP_COMPLETED_MS = 2 * 86_400_000;
export const KEEP_FAILED_MS = 7 * 86_400_000;

/** The wait before attempt `attempt + 1` after `attempt` attempts failed (1-based). */
export function backoffAfter(retry: RetryOptions, attempt: number): number {
  return retry.backoffMs * 2 ** (attempt - 1);
}
