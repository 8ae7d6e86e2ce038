import type { Profile } from '../../shared/schemas/index.js';
import type { UserRecord } from '../store/users.js';

/** A member as anyone may see them: never their address, referral code or ban. */
export const toProfileView = (user: UserRecord, postCount: number): Profile => ({
  id: user.id,
  username: user.username,
  role: user.role,
  createdAt: user.createdAt,
  bio: user.bio ?? '',
  postCount,
});
