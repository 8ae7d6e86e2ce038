// The one-click opt-out link of notification e-mail (RFC 8058): `/unsubscribe/e/<token>` turns one
// kind of e-mail off for one member. The token names the member and the kind and carries an HMAC
// over both (keyed by OPTOUT_SECRET), so it is checked without storing anything, works from any
// process and never expires: an old e-mail's link must still stop that kind. It grants nothing but
// switching that kind off, and the member can switch it on again in their preferences.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationKind, Preferences } from '../../../shared/schemas/notifications.js';

/** What a link switches off: a preference each. Replies and watched threads share `emailOnWatched`. */
export const UNSUBSCRIBE_KINDS = ['mention', 'watched', 'digest'] as const;
export type UnsubscribeKind = (typeof UNSUBSCRIBE_KINDS)[number];

export const kindOf = (k: NotificationKind): UnsubscribeKind => (k === 'mention' ? 'mention' : 'watched');

/** The preferences patch that stops a kind. */
export function stopping(kind: UnsubscribeKind): Partial<Preferences> {
  if (kind === 'mention') return { emailOnMention: false };
  if (kind === 'watched') return { emailOnWatched: false };
  return { digest: 'off' };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(optOutSecret: string) {
    // A key of its own, derived from the secret: a token here can never pass for a referral
    // opt-out fingerprint or anything else the secret keys.
    this.key = createHmac('sha256', optOutSecret).update('agora notification unsubscribe').digest();
  }

  private mac(userId: string, kind: UnsubscribeKind): string {
    return createHmac('sha256', this.key).update(`${userId}\0${kind}`).digest('base64url');
  }

  tokenFor(userId: string, kind: UnsubscribeKind): string {
    return `${userId}.${kind}.${this.mac(userId, kind)}`;
  }

  /** The member and kind a token stands for, or null when it is not one of ours. */
  verify(token: string): { userId: string; kind: UnsubscribeKind } | null {
    const [userId, kind, mac, ...rest] = token.split('.');
    if (rest.length || !userId || !ID.test(userId) || !(UNSUBSCRIBE_KINDS as readonly string[]).includes(kind ?? '') || !mac) return null;
    const expected = Buffer.from(this.mac(userId, kind as UnsubscribeKind));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { userId, kind: kind as UnsubscribeKind } : null;
  }
}
