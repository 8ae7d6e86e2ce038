// /notifications: the sign-in prompt for visitors at once; for members, the page itself, fetched on
// first use so that nobody else's first load carries it (test/e2e/first-load.test.ts).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session.js';

type ListPage = ComponentType<{ userId: string }>;
let loaded: ListPage | null = null;

export function NotificationsRoute() {
  const { user } = useSession();
  const [Page, setPage] = useState<ListPage | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!user || Page) return;
    import('./page.js').then((m) => {
      loaded = m.NotificationsList;
      setPage(() => m.NotificationsList);
    }, () => setFailed(true));
  }, [user?.id]);
  if (!user || failed) {
    return (
      <main class="narrow" aria-labelledby="notifications-title">
        <h1 id="notifications-title">Notifications</h1>
        {failed
          ? <p class="form-error" role="alert">This page could not be loaded. Check your connection and reload it.</p>
          : <p data-testid="notifications-signin"><a href="/signin?next=/notifications">Sign in</a> to see who mentioned you, replied to your threads or posted in threads you watch.</p>}
      </main>
    );
  }
  return Page ? <Page userId={user.id} /> : <p aria-busy="true">Loading…</p>;
}
