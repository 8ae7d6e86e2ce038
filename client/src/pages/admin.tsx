import { AdminForumsSection } from '../admin/forums.js';
import { AdminUsersSection } from '../admin/users.js';
import { useSession } from '../session.js';

/** Everything an admin used to need a shell for: people's roles and bans, and the forums. */
export function AdminPage() {
  const { user } = useSession();
  if (user?.role !== 'admin') {
    return (
      <main aria-labelledby="admin-title">
        <h1 id="admin-title">Not allowed</h1>
        <p data-testid="admin-not-allowed">
          The administration pages are only for administrators.
          {user ? ' Your account cannot open them.' : <> <a href="/signin?next=/admin">Sign in</a> with an administrator's account to open them.</>}
        </p>
        <p><a href="/">Back to the forums</a></p>
      </main>
    );
  }
  return (
    <main aria-labelledby="admin-title" class="mod-page">
      <h1 id="admin-title">Administration</h1>
      <p>Every change here is kept in the <a href="/mod#audit-title">audit log</a>.</p>
      <AdminUsersSection />
      <AdminForumsSection />
    </main>
  );
}
