// /notifications: the sign-in prompt for visitors, the page itself for members. Bundled with the
// rest (about 1 KB compressed): a chunk of its own made the bundler split its shared runtime into
// one more tiny, uncompressed script for every visitor's first load.
import { useSession } from '../session.js';
import { NotificationsList } from './page.js';

export function NotificationsRoute() {
  const { user } = useSession();
  if (user) return <NotificationsList userId={user.id} />;
  return (
    <main class="narrow" aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <p data-testid="notifications-signin"><a href="/signin?next=/notifications">Sign in</a> to see who mentioned you, replied to your threads or posted in threads you watch.</p>
    </main>
  );
}
