export type Role = 'member' | 'moderator' | 'admin';

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
}

export type UserPatch = Partial<Pick<UserRecord, 'email' | 'passwordHash' | 'role' | 'ban' | 'bio'>>;

/** Users: unique case-insensitive usernames and referral codes. */
export interface UserStore {
  /** Atomically claims the username and the referral code; false when the username is taken. */
  create(user: UserRecord): Promise<boolean>;
  get(id: string): Promise<UserRecord | null>;
  getMany(ids: string[]): Promise<Map<string, UserRecord>>;
  findByUsername(username: string): Promise<UserRecord | null>;
  findByReferralCode(code: string): Promise<UserRecord | null>;
  update(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /** Removes the user and the indexes that name them. */
  delete(id: string): Promise<void>;
  /** Sign-ups attributed to a member's referral link. */
  countReferredBy(referrerId: string): Promise<number>;
}
