// The bell in the header for signed-in members: a link to /notifications that says how many are
// unread, live in every tab (unread.ts).
import { useUnreadCount, unreadLabel } from './unread.js';
// The page's styles too: a few lines, and no stylesheet to fetch when it opens.
import './notifications.css';

export function NotificationBell({ userId, current }: { userId: string; current: boolean }) {
  const count = useUnreadCount(userId) ?? 0;
  const shown = count > 99 ? '99+' : String(count);
  return (
    <a href="/notifications" class={`bell${count ? ' has-unread' : ''}`} aria-label={unreadLabel(count)}
      aria-current={current ? 'page' : undefined} data-testid="bell" data-count={count}>
      <svg class="bell-icon" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z" />
      </svg>
      {count > 0 && <span class="bell-count" aria-hidden="true">{shown}</span>}
    </a>
  );
}
