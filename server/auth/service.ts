import { z } from 'zod';
import type { Role, UserRecord, UserStore } from '../store/users.js';
import { newId, newToken } from '../store/ids.js';
import { hashPassword } from './password.js';

export const usernameSchema = z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, 'expected 3–32 letters, digits, dots, dashes or underscores');
export const passwordSchema = z.string().min(10, 'expected at least 10 characters').max(256, 'expected at most 256 characters');
// One plain address (no display name, no list): the pragmatic shape used everywhere in Agora.
export const emailSchema = z.string().max(254).pipe(z.email({ error: 'expected one e-mail address' }));
export const roleSchema = z.enum(['member', 'moderator', 'admin']);

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
