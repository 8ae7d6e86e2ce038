// Digests: the period's best threads, by how many posts were written in them during the period.
// Periods end at midnight UTC (daily) and at midnight UTC between Sunday and Monday (weekly), so
// every process computes the same boundaries and the same job ids from its clock.
import type { ForumStore, PostRecord, ThreadRecord } from '../../store/forum.js';

export type DigestPeriod = 'daily' | 'weekly';
export const DIGEST_PERIODS: readonly DigestPeriod[] = ['daily', 'weekly'];

const DAY = 86_400_000;
export const PERIOD_MS: Record<DigestPeriod, number> = { daily: DAY, weekly: 7 * DAY };
/** 1970-01-01 was a Thursday: the first Monday midnight is 4 days later. */
const EPOCH: Record<DigestPeriod, number> = { daily: 0, weekly: 4 * DAY };

/** The first period end strictly after `now`. */
export function nextBoundary(period: DigestPeriod, now: number): number {
  const len = PERIOD_MS[period];
  const base = EPOCH[period];
  return base + (Math.floor((now - base) / len) + 1) * len;
}

/** Threads gathered for one period, best first; each member then gets those they may see. */
export interface RankedThread { threadId: string; posts: number }

/** At most this many candidates are kept; a member's digest shows the first few they may see. */
export const CANDIDATES = 50;
export const SHOWN = 10;
/** Threads looked at per forum, newest activity first. */
const THREADS_PER_FORUM = 200;
/** Posts read from the end of a thread to count the period's: a thread with more is simply "busy". */
const TAIL = 200;

/** Open to everyone who may read the forum: not removed, not held, not purged. */
export const isPublicThread = (t: ThreadRecord): boolean => !t.removal && !t.held && !t.purged;

const counts = (p: PostRecord, from: number, to: number) => {
  const at = Date.parse(p.createdAt);
  return p.status === 'visible' && !p.purged && at >= from && at < to;
};

/**
 * The most active threads of [end - period, end): per forum, threads by latest activity until one
 * was last active before the period; each scored by its visible posts written in the period (read
 * from the thread's tail). Removed, held and purged threads are never promoted, whoever reads.
 */
export async function rankThreads(
  forum: Pick<ForumStore, 'listForums' | 'listThreads' | 'listPosts'>,
  period: DigestPeriod,
  end: number,
): Promise<RankedThread[]> {
  const from = end - PERIOD_MS[period];
  const ranked: (RankedThread & { last: number })[] = [];
  for (const f of await forum.listForums()) {
    let after: { at: number; id: string } | null = null;
    for (let seen = 0; seen < THREADS_PER_FORUM;) {
      const page = await forum.listThreads(f.id, after, 50);
      if (page.length === 0) break;
      let older = false;
      for (const t of page) {
        const last = Date.parse(t.lastPostAt);
        if (last < from) {
          older = true;
          break;
        }
        seen++;
        if (!isPublicThread(t) || t.postCount === 0) continue;
        // Held and removed posts are in the order too, so the tail starts a little before postCount.
        const tail = await forum.listPosts(t.id, Math.max(0, t.postCount - TAIL / 2), TAIL);
        const posts = tail.filter((p) => counts(p, from, end)).length;
        if (posts > 0) ranked.push({ threadId: t.id, posts, last });
      }
      if (older || page.length < 50) break;
      const tail = page[page.length - 1]!;
      after = { at: Date.parse(tail.lastPostAt), id: tail.id };
    }
  }
  ranked.sort((a, b) => b.posts - a.posts || b.last - a.last);
  return ranked.slice(0, CANDIDATES).map(({ threadId, posts }) => ({ threadId, posts }));
}

/** Job data holds primitives only: the ranking travels as `id:count,id:count`. */
export const encodeRanking = (r: readonly RankedThread[]): string => r.map((t) => `${t.threadId}:${t.posts}`).join(',');

export function decodeRanking(s: string): RankedThread[] {
  if (!s) return [];
  return s.split(',').map((part) => {
    const i = part.lastIndexOf(':');
    return { threadId: part.slice(0, i), posts: Number(part.slice(i + 1)) };
  });
}
