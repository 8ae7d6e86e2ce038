import { AdminForumsSection } from '../admin/forums.js';
import { AdminUsersSection } from '../admin/users.js';
import { useSession } from '../session.js';
import { NotAllowed } from '../not-allowed.js';

/** Everything an admin used to need a shell for: people's roles and bans, and the forums. */
export function AdminPage() {
  const { user } = useSession();
  if (!user?.can?.administer) {
    return (
      <NotAllowed titleId="admin-title" testId="admin-not-allowed" what="The administration pages are" who="administrators"
        role="an administrator's" path="/admin" signedIn={!!user} />
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
