import type { Role } from '../../shared/roles.js';

export type { Role };

export interface Ban {
  reason: string;
  by: string;
  at: string;
  /** ISO time the ban ends on its own; null: for good. */
  until: string | null;
}

export interface UserRecord {
  id: string;
  username: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
  referralCode: string;
  /** Id of the member whose referral link brought this user, if any. */
  referredBy: string | null;
  ban: Ban | null;
  /** Plain text the member shows on their profile, already scanned and masked; absent on older records. */
  bio?: string;
  /**
   * Whether the member followed the link sent to their current address. Absent on older records,
   * which count as unverified (accounts made by `npm run user:create` are verified: the operator
   * vouches for the address).
   */
  emailVerified?: boolean;
}

export type UserPatch = Partial<Pick<UserRecord, 'email' | 'passwordHash' | 'role' | 'ban' | 'bio' | 'emailVerified'>>;

/** One page of the user listing: `after` is the lowercased name the previous page ended on. */
export interface UserListQuery {
  /** Part of the name, any case; '' lists everyone. */
  query: string;
  /** Which records count (role, ban): the store reads them in name order and keeps those that pass. */
  match: (user: UserRecord) => boolean;
  after: string | null;
  limit: number;
}

export interface UserListPage { items: UserRecord[]; /** Lowercased name to continue after; null at the end. */ next: string | null }

/**
 * How addresses are compared when looking accounts up by address: trimmed, ASCII letters in lower
 * case (the same rule Redis's Lua `string.lower` applies, so both backends agree).
 */
export const emailKey = (email: string): string => email.trim().replace(/[A-Z]+/g, (c) => c.toLowerCase());

/** Users: unique case-insensitive usernames and referral codes. */
export interface UserStore {
  /** Atomically claims the username and the referral code; false when the username is taken. */
  create(user: UserRecord): Promise<boolean>;
  get(id: string): Promise<UserRecord | null>;
  getMany(ids: string[]): Promise<Map<string, UserRecord>>;
  findByUsername(username: string): Promise<UserRecord | null>;
  /** Several at once (the members a post mentions), keyed by lowercased name; unknown names are absent. */
  findByUsernames(usernames: readonly string[]): Promise<Map<string, UserRecord>>;
  findByReferralCode(code: string): Promise<UserRecord | null>;
  /** Every account with this address (addresses are not unique), compared as `emailKey` does. */
  findByEmail(email: string): Promise<UserRecord[]>;
  update(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /** Removes the user and the indexes that name them. */
  delete(id: string): Promise<void>;
  /** Users in order of their lowercased name whose name contains `query` and who pass `match`. */
  list(q: UserListQuery): Promise<UserListPage>;
  /** Sign-ups attributed to a member's referral link. */
  countReferredBy(referrerId: string): Promise<number>;
}
