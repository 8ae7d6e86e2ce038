import { isModerator } from '../mod-api.js';
import { AuditSection } from '../moderation/audit.js';
import { QueueSection } from '../moderation/queue.js';
import { UsersSection } from '../moderation/users.js';
import { useSession } from '../session.js';

export function ModerationPage() {
  const { user } = useSession();
  if (!user || !isModerator(user)) {
    return (
      <main aria-labelledby="mod-title">
        <h1 id="mod-title">Not allowed</h1>
        <p data-testid="mod-not-allowed">
          The moderation dashboard is only for moderators and administrators.
          {user ? ' Your account cannot open it.' : <> <a href="/signin?next=/mod">Sign in</a> with a moderator's account to open it.</>}
        </p>
        <p><a href="/">Back to the forums</a></p>
      </main>
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
