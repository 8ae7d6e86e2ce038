import { createHmac, timingSafeEqual } from 'node:crypto';

// The opt-out link carries a signed token; the server derives the address's fingerprint from it
// without ever seeing the address again:
//   id          = HMAC(k_id, normalized address)[0..16]   (names the address; needs the secret)
//   token       = base64url(id ‖ HMAC(k_sig, id)[0..16])  (the signature rejects made-up tokens)
//   fingerprint = HMAC(k_fp, id)                           (what the opt-out list holds)
// All three keys derive from OPTOUT_SECRET (SESSION_SECRET when unset), which must therefore never
// change: a new secret would make every existing opt-out and link miss.

const key = (secret: string, purpose: string) => createHmac('sha256', secret).update(`agora/optout-${purpose}/v1`).digest();
const mac = (k: Buffer, data: string | Buffer) => createHmac('sha256', k).update(data).digest();

/** The form the opt-out list matches on: the whole address in lower case (the domain is punycode already). */
export const normalizeForOptOut = (address: string): string => address.toLowerCase();

export class OptOutKeys {
  private readonly idKey: Buffer;
  private readonly sigKey: Buffer;
  private readonly fpKey: Buffer;

  constructor(secret: string) {
    this.idKey = key(secret, 'id');
    this.sigKey = key(secret, 'signature');
    this.fpKey = key(secret, 'fingerprint');
  }

  /** The token in the invite's opt-out link (43 characters). */
  tokenFor(address: string): string {
    const id = mac(this.idKey, normalizeForOptOut(address)).subarray(0, 16);
    return Buffer.concat([id, mac(this.sigKey, id).subarray(0, 16)]).toString('base64url');
  }

  /** The fingerprint behind a genuine token, or null for anything that is not one of ours. */
  fingerprintOfToken(token: string): string | null {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length !== 32) return null;
    const id = raw.subarray(0, 16);
    if (!timingSafeEqual(raw.subarray(16), mac(this.sigKey, id).subarray(0, 16))) return null;
    return mac(this.fpKey, id).toString('base64url');
  }

  fingerprintOf(address: string): string {
    return this.fingerprintOfToken(this.tokenFor(address))!;
  }
}
