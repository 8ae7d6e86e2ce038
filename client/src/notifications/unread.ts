// The member's unread notification count in this tab, kept current by the socket events every tab
// of theirs receives (shared/events.ts): the bell and the notifications page both show it.
import { useEffect, useState } from 'preact/hooks';
import { getSocket } from '../realtime.js';
import { notificationApi } from './api.js';

/** The unread count, or null while it is not known yet (and for visitors). */
export function useUnreadCount(userId: string | null | undefined): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    setCount(null);
    if (!userId) return;
    const s = getSocket();
    let alive = true;
    // Only the answer to the latest question counts: an older one may predate an event since.
    let asked = 0;
    const refresh = () => {
      const mine = ++asked;
      notificationApi.list({ limit: 1 }).then((p) => alive && mine === asked && setCount(p.unreadCount), () => {});
    };
    // A new one is counted at once; the server's own count follows (it knows of any that raced it).
    const onNew = (p: { notification: { read: boolean } }) => {
      if (!p.notification.read) setCount((c) => (c ?? 0) + 1);
      refresh();
    };
    // A withdrawn one may or may not have been unread: only the server can say.
    const onWithdrawn = () => refresh();
    const onRead = (p: { unreadCount: number }) => {
      asked++; // the count as of this mark is newer than any answer still on its way
      setCount(p.unreadCount);
    };
    // Back after a disconnect: events may have been missed.
    const onConnect = () => refresh();
    s.on('notification:new', onNew);
    s.on('notification:withdrawn', onWithdrawn);
    s.on('notification:read', onRead);
    s.on('connect', onConnect);
    refresh();
    return () => {
      alive = false;
      s.off('notification:new', onNew);
      s.off('notification:withdrawn', onWithdrawn);
      s.off('notification:read', onRead);
      s.off('connect', onConnect);
    };
  }, [userId]);
  return count;
}

/** What the bell and the page call the count, for screen readers and the eye alike. */
export const unreadLabel = (n: number) => (n ? `Notifications, ${n} unread` : 'Notifications, none unread');
