// Referrals (API.md, Referrals): the form a member sends to invite a friend, and its answers.
import { z } from 'zod';

// Strict on purpose: the name and the address end up in a mail header (nodemailer encodes them, as
// the `{name, address}` of the one recipient), so anything that could start a second header, a
// second recipient or a route through another host is refused. Messages describe the rule, never
// the value.

// Line breaks and other controls (C0, DEL, C1), the Unicode line and paragraph separators, and the
// invisible formatting characters (bidi overrides, zero-width ones) that make a name look like another.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

// A dot-atom local part of the characters people's addresses use. Not allowed: quotes and quoted
// local parts, `%` and `!` (legacy source routes through another host), `=` and `?` (encoded-word
// look-alikes), commas, semicolons, angle brackets, spaces.
const LOCAL_PART = /^[A-Za-z0-9_+'-]+(?:\.[A-Za-z0-9_+'-]+)*$/;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * The domain as a URL host (international names as punycode, lower case), or '' when it is not a
 * valid host: what node's `url.domainToASCII` answers, built on the URL class so that browsers can
 * run it too. A host that cannot be set leaves the base's own, so two bases tell failure apart.
 */
function domainToASCII(domain: string): string {
  if (!domain) return '';
  const [a, b] = ['ws://a', 'ws://b'].map((base) => {
    const url = new URL(base);
    url.hostname = domain;
    return url.hostname;
  });
  return a === b ? a! : '';
}

export type AddressCheck = { ok: true; address: string } | { ok: false; message: string };

/** One plain address (`local@domain`), at most 254 characters; an international domain becomes punycode. */
export function checkFriendAddress(raw: string): AddressCheck {
  if (CONTROL.test(raw)) return { ok: false, message: 'expected one e-mail address, without line breaks or control characters' };
  const value = raw.replace(/^ +| +$/g, '');
  if (value.length === 0) return { ok: false, message: 'expected an e-mail address' };
  if (value.length > 254) return { ok: false, message: 'expected at most 254 characters' };
  if (/[\s,;<>"()[\]\\:]/.test(value)) return { ok: false, message: 'expected exactly one plain e-mail address (no names, lists, quotes or brackets)' };
  const at = value.split('@');
  if (at.length !== 2) return { ok: false, message: 'expected exactly one e-mail address, like name@example.com' };
  const [local, domain] = at as [string, string];
  if (local.length > 64 || !LOCAL_PART.test(local)) return { ok: false, message: 'expected a plain e-mail address, like name@example.com' };
  const ascii = domainToASCII(domain).toLowerCase();
  const labels = ascii.split('.');
  if (!ascii || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l)) || /^[0-9]+$/.test(labels.at(-1)!)) {
    return { ok: false, message: 'expected an address ending in a valid domain, like name@example.com' };
  }
  const address = `${local}@${ascii}`;
  if (address.length > 254) return { ok: false, message: 'expected at most 254 characters' };
  return { ok: true, address };
}

// Letters (any script, with their combining marks), spaces and the punctuation names carry.
const NAME_CHARS = /^[\p{L}\p{M} .,'’-]+$/u;
// "example.com", "www.evil.org": a dot directly followed by two or more letters looks like a domain.
const LOOKS_LIKE_DOMAIN = /[\p{L}\p{M}\p{N}-]\.\p{L}{2,}/u;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/** 1–64 characters of letters, spaces and `. , ' ’ -`; no URLs. Other kinds of space become one space. */
export function checkFriendName(raw: string): NameCheck {
  if (CONTROL.test(raw)) return { ok: false, message: 'expected a name without line breaks or control characters' };
  const name = raw.normalize('NFC').replace(/\p{Zs}+/gu, ' ').trim();
  const length = [...name].length;
  if (length === 0) return { ok: false, message: 'expected a name' };
  if (length > 64) return { ok: false, message: 'expected at most 64 characters' };
  if (!NAME_CHARS.test(name) || !/\p{L}/u.test(name)) return { ok: false, message: "expected only letters, spaces and . , ' -" };
  if (LOOKS_LIKE_DOMAIN.test(name)) return { ok: false, message: 'expected a name, not a web address' };
  return { ok: true, name };
}

/** A string checked by `check`: its issue message is the rule, the value is never repeated. */
function checked(check: (raw: string) => { ok: true; value: string } | { ok: false; message: string }) {
  return z.string().max(1024).transform((raw, ctx) => {
    const r = check(raw);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  });
}

/** The form token: 24 random bytes, base64url. */
export const formTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'expected the token from POST /api/referrals/token');

export const referralBody = z.object({
  token: formTokenSchema,
  friendName: checked((raw) => {
    const r = checkFriendName(raw);
    return r.ok ? { ok: true, value: r.name } : r;
  }),
  friendEmail: checked((raw) => {
    const r = checkFriendAddress(raw);
    return r.ok ? { ok: true, value: r.address } : r;
  }),
});

export type ReferralInput = z.infer<typeof referralBody>;

export const referralAnswers = {
  /** A single-use form token; it holds no personal data. */
  token: z.strictObject({ token: z.string() }),
  /**
   * The same answer whether the invite went out, was suppressed by an opt-out or was a repeat;
   * `outbox` only outside production without SMTP_URL, where the invite is kept to be read there.
   */
  accepted: z.strictObject({ status: z.literal('accepted'), outbox: z.literal('/dev/mail').optional() }),
  stats: z.strictObject({ signups: z.number().int() }),
  optedOut: z.strictObject({ status: z.literal('opted_out') }),
};
export type ReferralAnswers = { [K in keyof typeof referralAnswers]: z.infer<(typeof referralAnswers)[K]> };
