import { toPublicUser } from '../auth/users.js';
import type { UserRecord } from '../store/users.js';
import type { Me } from '../../shared/schemas/account.js';

/** The member's own account (`GET` and `PATCH /api/me`): what everyone sees, what only they see, their address and bio. */
export const toMeView = (user: UserRecord): Me => ({ ...toPublicUser(user, true), email: user.email, bio: user.bio ?? '' });
