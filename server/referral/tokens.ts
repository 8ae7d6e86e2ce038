import { createHmac } from 'node:crypto';
import { newToken } from '../store/ids.js';

/** A fresh form token: 24 random bytes (32 base64url characters); it names nobody. */
export const newFormToken = (): string => newToken(24);

/** How long a form token can be used. */
export const FORM_TOKEN_TTL_MS = 24 * 3600 * 1000;

const keyFor = (secret: string, purpose: string) => createHmac('sha256', secret).update(`agora/${purpose}/v1`).digest();

/**
 * The value that tells "the same token with the same friend" from "the same token with another
 * friend" (409). It is 16 bits of an HMAC over the token and the payload: keyed by the server's
 * secret and by the token, so it links nothing across tokens, and so short that even with the
 * secret about one address in 65,536 matches it: it cannot identify or confirm an address. It is
 * kept with the token and expires with it. The price: one different payload in 65,536 passes as
 * the same one, and is then answered 202 with nothing sent, as a repeat is.
 */
export function payloadCheck(secret: string, token: string, friendName: string, friendAddress: string): string {
  return createHmac('sha256', keyFor(secret, 'referral-payload-check'))
    .update(token).update('\0').update(friendAddress.toLowerCase()).update('\0').update(friendName)
    .digest().subarray(0, 2).toString('hex');
}

/**
 * The Message-ID of the one invite a token may send: derived from the token, so that even a second
 * copy (which the states prevent) would carry the same id and be folded by the receiving side.
 */
export function inviteMessageId(secret: string, token: string, domain: string): string {
  const id = createHmac('sha256', keyFor(secret, 'referral-message-id')).update(token).digest('base64url').slice(0, 32);
  return `<${id}@${domain}>`;
}
