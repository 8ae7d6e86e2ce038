import { isModerator } from '../mod-api.js';
import { AuditSection } from '../moderation/audit.js';
import { QueueSection } from '../moderation/queue.js';
import { UsersSection } from '../moderation/users.js';
import { useSession } from '../session.js';
import { NotAllowed } from '../not-allowed.js';

export function ModerationPage() {
  const { user } = useSession();
  if (!user || !isModerator(user)) {
    return (
      <NotAllowed titleId="mod-title" testId="mod-not-allowed" what="The moderation dashboard is" who="moderators and administrators"
        role="a moderator's" path="/mod" signedIn={!!user} />
    );
  }
  return (
    <main aria-labelledby="mod-title" class="mod-page">
      <h1 id="mod-title">Moderation</h1>
      <QueueSection />
      <UsersSection />
      <AuditSection />
    </main>
  );
}
