// Unread tracking on a thread's page (issue 19, item 4): the thread opens at the first post the
// member has not read, after a "New" divider, and the server hears how far they have read.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Post, Thread } from '../../../shared/schemas/index.js';
import { notificationApi } from './api.js';

/** At most one read position a second: a busy thread's live posts must not become a request each. */
const REPORT_EVERY_MS = 1000;

export function NewDivider() {
  return <div class="new-divider" id="new-divider" role="separator" aria-label="New posts since your last visit" data-testid="new-divider">New</div>;
}

/**
 * For a signed-in member: the id of the first post they had not read when the page opened (null:
 * none, or a first visit), and the read position sent as posts are shown while the tab is visible.
 */
export function useThreadReading(threadId: string, signedIn: boolean, thread: Thread | null, posts: Post[]): string | null {
  // Where they stopped before this visit, from the first answer: later ones already know of this page's reports.
  const before = useRef<number | null>(null);
  if (before.current === null && signedIn && thread?.lastReadSeq !== undefined) before.current = thread.lastReadSeq;
  const known = before.current !== null;

  const [firstUnread, setFirstUnread] = useState<string | null>(null);
  const placed = useRef(false);
  useEffect(() => {
    if (placed.current || !known || !posts.length) return;
    placed.current = true;
    const last = before.current!;
    const first = last > 0 ? posts.find((p) => (p.seq ?? 0) > last) : undefined;
    if (first) setFirstUnread(first.id);
  }, [known, posts]);

  // Opened there (a link to one post keeps its own place), with focus on that post for keyboards
  // and screen readers, as a link to a post does.
  useEffect(() => {
    if (!firstUnread || location.hash.startsWith('#post-')) return;
    document.getElementById('new-divider')?.scrollIntoView({ block: 'start' });
    const post = document.getElementById(`post-${firstUnread}`);
    if (!post) return;
    post.tabIndex = -1;
    post.focus({ preventScroll: true });
  }, [firstUnread]);

  // The highest seq on screen, told to the server: at once, then at most once a second, and only
  // while the tab is visible (a background tab has not been read).
  const highest = posts.reduce((m, p) => Math.max(m, p.seq ?? 0), 0);
  const wanted = useRef(0);
  wanted.current = highest;
  const report = useRef({ sent: 0, at: 0, timer: 0 as ReturnType<typeof setTimeout> | 0 });
  const flush = () => {
    const r = report.current;
    r.timer = 0;
    const seq = wanted.current;
    if (document.visibilityState !== 'visible' || seq <= r.sent) return;
    r.sent = seq;
    r.at = Date.now();
    notificationApi.markThreadRead(threadId, seq).catch(() => {
      if (report.current.sent === seq) report.current.sent = 0; // said again with the next post shown
    });
  };
  const schedule = () => {
    const r = report.current;
    if (r.timer || !known || wanted.current <= r.sent) return;
    r.timer = setTimeout(flush, Math.max(0, r.at + REPORT_EVERY_MS - Date.now()));
  };
  useEffect(schedule, [known, highest]);
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && schedule();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      // Leaving the page with a report still waiting: send it now rather than lose it.
      if (report.current.timer) {
        clearTimeout(report.current.timer);
        flush();
      }
    };
  }, [threadId]);

  return firstUnread;
}
