import type { User } from '../../shared/schemas/index.js';
import { when } from './format.js';

/**
 * Shown where a banned member would write (a reply, a new thread): that they are banned, until
 * when and why, instead of a form whose every submit would be refused.
 */
export function BanNotice({ user }: { user: User | null }) {
  if (!user?.banned) return null;
  return (
    <section class="ban-notice" aria-labelledby="ban-notice-title" data-testid="ban-notice">
      <h2 id="ban-notice-title">Your account is banned</h2>
      <p>
        {user.bannedUntil
          ? <>The ban ends on <time dateTime={user.bannedUntil}>{when(user.bannedUntil)}</time>.</>
          : <>The ban has no end date.</>}
        {' '}Until then you can read, but not post, reply, edit or flag.
      </p>
      {user.banReason && <p>Reason given by the moderators: {user.banReason}</p>}
    </section>
  );
}
