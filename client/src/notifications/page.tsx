// The notifications page (/notifications), loaded only when a member opens it: newest first, unread
// ones marked, live (new ones at the top, withdrawn ones gone, read state as in every other tab).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Notification } from '../../../shared/schemas/notifications.js';
import { errorText, when } from '../format.js';
import { getSocket } from '../realtime.js';
import { notificationApi } from './api.js';
import { useUnreadCount } from './unread.js';
import { UserLink } from '../user-link.js';

const PAGE = 30;

/** What happened, in words: "@ada mentioned you in “Knitting”". */
export function describe(n: Notification): string {
  const who = `@${n.actor.username}`;
  const where = `“${n.thread.title}”`;
  if (n.kind === 'mention') return `${who} mentioned you in ${where}`;
  if (n.kind === 'reply') return `${who} replied to your thread ${where}`;
  return `${who} posted in ${where}, which you watch`;
}

export const postPath = (n: Notification) => `/t/${encodeURIComponent(n.post.threadId)}#post-${encodeURIComponent(n.post.id)}`;

export function NotificationsList({ userId }: { userId: string }) {
  const unread = useUnreadCount(userId);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const filter = useRef(unreadOnly);
  filter.current = unreadOnly;

  // Only the answer to the latest load counts (an older one may arrive last). An event that arrives
  // while a load is on its way may be missing from its answer (the server may have read the list
  // just before it), and the answer replaces the list: then ask again.
  const asked = useRef(0);
  const answered = useRef(0);
  const missed = useRef(false);
  const heard = () => {
    if (answered.current !== asked.current) missed.current = true;
  };

  // The first page, again on every (re)connect: what happened while away is in it.
  const loadFirst = () => {
    const wanted = filter.current;
    const mine = ++asked.current;
    missed.current = false; // this load's answer is read after every event heard so far
    notificationApi.list({ unreadOnly: wanted, limit: PAGE }).then((p) => {
      if (mine !== asked.current || filter.current !== wanted) return; // a newer load's answer follows
      answered.current = mine;
      setItems(p.items);
      setNext(p.nextCursor);
      setError(null);
      if (missed.current) loadFirst();
    }, (e) => {
      if (mine !== asked.current) return;
      answered.current = mine;
      setError(errorText(e));
    });
  };

  useEffect(() => {
    setItems(null);
    loadFirst();
  }, [unreadOnly, userId]);

  useEffect(() => {
    const s = getSocket();
    const onNew = (p: { notification: Notification }) => {
      heard();
      setItems((list) => list && [p.notification, ...list.filter((x) => x.id !== p.notification.id)]);
    };
    const onWithdrawn = (p: { id: string }) => {
      heard();
      setItems((list) => list && list.filter((x) => x.id !== p.id));
    };
    // Read ones stay where they are, marked read, even under "Unread only": nothing moves under the reader's eyes.
    const onRead = (p: { ids: string[] | 'all' }) => {
      heard();
      setItems((list) => list && list.map((x) => (p.ids === 'all' || p.ids.includes(x.id) ? { ...x, read: true } : x)));
    };
    s.on('notification:new', onNew);
    s.on('notification:withdrawn', onWithdrawn);
    s.on('notification:read', onRead);
    s.on('connect', loadFirst);
    return () => {
      s.off('notification:new', onNew);
      s.off('notification:withdrawn', onWithdrawn);
      s.off('notification:read', onRead);
      s.off('connect', loadFirst);
    };
  }, [userId]);

  // After "Load more", the first new notification takes the focus: the button may be gone (no
  // more pages), and a keyboard user goes on where the new ones start.
  const focusFrom = useRef<number | null>(null);
  useEffect(() => {
    if (focusFrom.current === null) return;
    document.querySelector<HTMLElement>(`[data-testid="notification-list"] > li:nth-child(${focusFrom.current + 1}) > a`)?.focus();
    focusFrom.current = null;
  }, [items]);

  const more = async () => {
    if (!next || busy) return;
    setBusy(true);
    try {
      const p = await notificationApi.list({ unreadOnly, cursor: next, limit: PAGE });
      setItems((list) => {
        focusFrom.current = list?.length ?? 0;
        return [...(list ?? []), ...p.items.filter((n) => !list?.some((x) => x.id === n.id))];
      });
      setNext(p.nextCursor);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const markAll = async () => {
    if (busy || unread === 0) return;
    setBusy(true);
    try {
      await notificationApi.markRead('all');
      setItems((list) => list && list.map((x) => ({ ...x, read: true })));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  // Followed: read. The thread page opens at the post; the request needs no waiting for.
  const followed = (n: Notification) => {
    if (n.read) return;
    setItems((list) => list && list.map((x) => (x.id === n.id ? { ...x, read: true } : x)));
    notificationApi.markRead([n.id]).catch(() => {});
  };

  return (
    <main class="notifications-page" aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <p class="meta" data-testid="unread-summary">{unread === null ? '' : unread ? `${unread} unread` : 'All read'}</p>
      <div class="notifications-tools">
        <label class="check">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />
          Unread only
        </label>
        {/* aria-disabled, not disabled: once all is read the button stays where the keyboard left it. */}
        <button type="button" class="secondary" aria-disabled={busy || unread === 0 || undefined} onClick={() => void markAll()}>Mark all read</button>
      </div>
      {error && <p class="form-error" role="alert">{error}</p>}
      {items === null && !error && <p aria-busy="true">Loading…</p>}
      {items?.length === 0 && <p data-testid="notifications-empty">{unreadOnly ? 'No unread notifications.' : 'No notifications yet. You will hear here when someone mentions you or replies in a thread you watch.'}</p>}
      {!!items?.length && (
        <ul class="notifications" data-testid="notification-list">
          {items.map((n) => (
            <li key={n.id} class={`notification${n.read ? '' : ' unread'}`} data-testid="notification" data-id={n.id}>
              <a href={postPath(n)} onClick={() => followed(n)}>{describe(n)}</a>
              <span class="meta">
                {!n.read && <span class="unread-badge">Unread</span>}
                {/* Who it came from, to their profile ("former member" unlinked). */}
                <span>from <UserLink who={n.actor} testId="notification-actor" /></span>
                <time dateTime={n.at}>{when(n.at)}</time>
              </span>
            </li>
          ))}
        </ul>
      )}
      {next && <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void more()}>Load more</button>}
    </main>
  );
}
