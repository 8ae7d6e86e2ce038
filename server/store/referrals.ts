import { createHash } from 'node:crypto';

/**
 * Referral form tokens and their outcomes, and opt-out fingerprints. Never a friend's name or address.
 *
 * A token's life: `issued` (handed to a member's form) → `sending` (reserved atomically by the one
 * request that may send) → `sent` | `unknown` | `suppressed` (final: never sent again) or `failed`
 * (nothing went out: reservable again). A token left in `sending` (the process died mid-send) is
 * never reserved again either.
 */
export type TokenState = 'issued' | 'sending' | 'sent' | 'failed' | 'unknown' | 'suppressed';

/** The states a reservation can be put back to (nothing was sent) or end in. */
export type TokenOutcome = 'issued' | 'failed' | 'sent' | 'unknown' | 'suppressed';

export interface TokenRecord {
  state: TokenState;
  memberId: string;
  /**
   * The per-token payload check (see referral/tokens.ts): a few bits of a keyed hash, kept only while
   * the token is `sending` or final, so a reuse with another payload can be told apart. Not a fingerprint.
   */
  check: string | null;
  /** Epoch milliseconds of the last state change. */
  since: number;
}

export type Reservation =
  /** This caller may send; `previous` is what `release` puts back if it does not. */
  | { kind: 'reserved'; previous: 'issued' | 'failed' }
  /** Already reserved or used: the caller must not send. */
  | { kind: 'taken'; record: TokenRecord }
  /** Unknown, expired, or issued to another member. */
  | { kind: 'invalid' };

export interface ReferralStore {
  /** Records a fresh form token for a member; it (and whatever it becomes) expires after `ttlMs`. */
  issueToken(token: string, memberId: string, ttlMs: number): Promise<void>;
  getToken(token: string): Promise<TokenRecord | null>;
  /**
   * Atomically moves the member's `issued` or `failed` token to `sending` with its payload check.
   * Makes sure the record outlives the send by at least `minTtlMs`, so its outcome is kept.
   */
  reserve(token: string, memberId: string, check: string, minTtlMs: number): Promise<Reservation>;
  /**
   * Moves a `sending` token to its outcome; `issued` and `failed` drop the payload check. Returns
   * false (and changes nothing) when the token is not `sending`.
   */
  settle(token: string, outcome: TokenOutcome): Promise<boolean>;
  /** Written only when a friend opts out through the link in their invite. */
  addOptOut(fingerprint: string): Promise<void>;
  isOptedOut(fingerprint: string): Promise<boolean>;
}

/** A token is a bearer secret: stores key it by its hash, so a copy of the store holds no usable token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
