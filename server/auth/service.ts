import { Conflict, InvalidCredentials, RateLimited } from '../errors.js';
import type { Role, UserRecord, UserStore } from '../store/users.js';
import { newId, newToken } from '../store/ids.js';
import { consumeEach, type Limiter } from '../store/rate-limit.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';

export class UsernameTakenError extends Conflict {
  override name = 'UsernameTakenError';
  constructor() {
    super('That username is taken.');
  }
}

/** The ports signing up and in use. */
export interface SignInDeps {
  users: Pick<UserStore, 'create' | 'findByUsername' | 'findByReferralCode'>;
  limits: { loginAccount: Limiter; loginIp: Limiter; registerIp: Limiter };
  /** After sign-up: the verification e-mail to the new account's address (never fails the sign-up). */
  onSignUp?: (user: UserRecord) => Promise<void>;
  /** The app's clock: an account's and a session's creation time (default: the wall clock). */
  now?: () => number;
}

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  role?: Role;
  referredBy?: string | null;
  /** Only `npm run user:create` says true: the operator vouches for the address. */
  emailVerified?: boolean;
}

/** Creates an account; throws UsernameTakenError when the name is taken (case-insensitively). */
export async function createAccount(users: Pick<UserStore, 'create' | 'findByUsername'>, input: NewAccount, now: () => number = Date.now): Promise<UserRecord> {
  const user: UserRecord = {
    id: newId(),
    username: input.username,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    role: input.role ?? 'member',
    createdAt: new Date(now()).toISOString(),
    referralCode: newToken(8),
    referredBy: input.referredBy ?? null,
    ban: null,
    emailVerified: input.emailVerified === true,
  };
  // A referral-code collision (2^-64) or a taken name both answer false; retry once for the code.
  if (await users.create(user)) return user;
  if (await users.findByUsername(input.username)) throw new UsernameTakenError();
  user.referralCode = newToken(8);
  if (await users.create(user)) return user;
  throw new UsernameTakenError();
}

/**
 * A sign-up from `address`: one atomic consume of the address's hourly allowance per attempt (a
 * taken name counts too, so the route cannot probe names freely); `referralCode` is the code of
 * the link the visitor came by, if any.
 */
export async function signUp(deps: SignInDeps, input: Omit<NewAccount, 'role' | 'referredBy'>, address: string, referralCode?: string): Promise<UserRecord> {
  const gate = await deps.limits.registerIp.consume(address);
  if (!gate.allowed) throw new RateLimited(gate.retryAfterSeconds);
  const referrer = referralCode ? await deps.users.findByReferralCode(referralCode) : null;
  const user = await createAccount(deps.users, { ...input, referredBy: referrer?.id ?? null }, deps.now);
  await deps.onSignUp?.(user);
  return user;
}

/** The account whose password this is; unknown users cost one scrypt too, so both answers take as long. */
export async function checkCredentials(users: Pick<UserStore, 'findByUsername'>, username: string, password: string): Promise<UserRecord | null> {
  const user = username.length <= 32 ? await users.findByUsername(username) : null;
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  return ok && user ? user : null;
}

/**
 * A sign-in from `address`. Counted before the password is checked, in one atomic step per limit
 * (the account and the address): a burst of guesses cannot all be checked against a limit they
 * all read before any of them counted. The limits count failures: a right password gives its
 * points back; earlier failures still count until their window ends.
 */
export async function signIn(deps: SignInDeps, input: { username: string; password: string }, address: string): Promise<UserRecord> {
  const attempt = await consumeEach([[deps.limits.loginAccount, input.username.toLowerCase()], [deps.limits.loginIp, address]]);
  if (!attempt.allowed) throw new RateLimited(attempt.retryAfterSeconds);
  const user = await checkCredentials(deps.users, input.username, input.password);
  if (!user) throw new InvalidCredentials();
  await attempt.refund();
  return user;
}
