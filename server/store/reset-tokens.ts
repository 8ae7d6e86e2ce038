import { createHash } from 'node:crypto';

/**
 * Password-reset tokens, kept only as a SHA-256 of the token (the token itself is in one e-mail
 * and nowhere else): a copy of the store cannot reset anyone's password. A token is random, so an
 * unkeyed hash is enough; nothing about it can be guessed from its hash.
 */
export interface ResetTokenStore {
  /** Keeps `tokenHash` for `userId` from `now` for `ttlMs` (the service's clock, ms since the epoch). */
  issue(tokenHash: string, userId: string, now: number, ttlMs: number): Promise<void>;
  /**
   * Takes the token in one atomic step: answers its account id once, and null ever after, and for
   * an unknown token or one that has expired at `now`. Two concurrent takes of one token
   * cannot both get the account.
   */
  take(tokenHash: string, now: number): Promise<string | null>;
  /** Forgets every token of the account (a reset done, an account deleted). */
  deleteForUser(userId: string): Promise<void>;
}

/**
 * The same store serves every single-use e-mail link, one instance per purpose, kept apart (a
 * reset token is never a verification token): the memory store is simply another instance, the
 * Redis store keys each purpose under its own hash tag.
 */
export type TokenPurpose = 'reset' | 'verify';

/** What the store keeps in place of a token. */
export const resetTokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url');
