import type { User } from '../../shared/api.js';
import type { UserRecord } from '../store/users.js';
import { isBanned } from './policy.js';
import { userPermissions } from './permissions.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport puts the signed-in user record on req.user.
    interface User extends UserRecord {}
  }
}

/** The API's `user` (shared with the browser). */
export type PublicUser = User;


/** The API's `user`; `referralCode` and the ban state only for the user themself. */
export function toPublicUser(user: UserRecord, self = false): PublicUser {
  const out: PublicUser = { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt };
  if (self) {
    out.referralCode = user.referralCode;
    out.banned = isBanned(user);
    out.bannedUntil = isBanned(user) ? user.ban!.until : null;
    out.emailVerified = user.emailVerified === true;
    // So a banned member is told why their writes are refused (who banned them stays with staff).
    if (isBanned(user)) out.banReason = user.ban!.reason;
    out.can = userPermissions(user);
  }
  return out;
}
