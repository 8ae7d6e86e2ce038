import type { Role, UserRecord, UserStore } from '../store/users.js';
import { newId, newToken } from '../store/ids.js';
import { hashPassword } from './password.js';

export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
}

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  role?: Role;
  referredBy?: string | null;
}

/** Creates an account; throws UsernameTakenError when the name is taken (case-insensitively). */
export async function createAccount(users: UserStore, input: NewAccount): Promise<UserRecord> {
  const user: UserRecord = {
    id: newId(),
    username: input.username,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    role: input.role ?? 'member',
    createdAt: new Date().toISOString(),
    referralCode: newToken(8),
    referredBy: input.referredBy ?? null,
    ban: null,
  };
  // A referral-code collision (2^-64) or a taken name both answer false; retry once for the code.
  if (await users.create(user)) return user;
  if (await users.findByUsername(input.username)) throw new UsernameTakenError();
  user.referralCode = newToken(8);
  if (await users.create(user)) return user;
  throw new UsernameTakenError();
}
