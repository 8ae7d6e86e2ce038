import { codeAt, isAlnum, isB64Url, isDigit, isHex, isLower, isUpper, isWordAt } from './chars.js';
import { isFillerBody } from './placeholder.js';
import type { RawMatch } from './types.js';

// Provider tokens without a fixed prefix, found through a fixed string inside them (indexOf) or a
// regular expression with bounded quantifiers anchored at a word start, then checked against the
// provider's documented structure. Each candidate costs a bounded amount of work, so the scan
// stays linear. Formats that are not secret on their own (a Twilio SID, a 32-hex Mailgun key)
// need a secret-sounding word nearby.

const push = (out: RawMatch[], start: number, end: number): void => {
  out.push({ type: 'SECRET', start, end });
};

const contextHas = (text: string, start: number, end: number, re: RegExp, radius = 120): boolean =>
  re.test(text.slice(Math.max(0, start - radius), Math.min(text.length, end + radius)));

const runEnd = (text: string, p: number, ok: (c: number) => boolean, max: number): number => {
  const limit = Math.min(text.length, p + max + 1);
  let e = p;
  while (e < limit && ok(text.charCodeAt(e))) e++;
  return e;
};

const runStart = (text: string, p: number, ok: (c: number) => boolean, max: number): number => {
  const limit = Math.max(0, p - max - 1);
  let s = p;
  while (s > limit && ok(text.charCodeAt(s - 1))) s--;
  return s;
};

/** Base64 decoding for the few characters of a token part; null when it is not base64. */
export function decodeBase64Url(part: string): string | null {
  try {
    const std = part.replace(/-/g, '+').replace(/_/g, '/');
    return atob(std + '='.repeat((4 - (std.length % 4)) % 4));
  } catch {
    return null;
  }
}

const b64 = (c: number): boolean => isAlnum(c) || c === 43 || c === 47;

/**
 * Runs of exactly `len` characters of `ok`, within [from, to), that look random: the other half
 * of a pair whose first half (an AWS key id, a Twilio SID) was found nearby.
 */
export function findPairedSecret(text: string, from: number, to: number, ok: (c: number) => boolean, len: number, random: (s: string) => boolean, out: RawMatch[]): void {
  let p = Math.max(0, from);
  const end = Math.min(text.length, to);
  while (p < end) {
    if (!ok(text.charCodeAt(p))) {
      p++;
      continue;
    }
    const s = p;
    p = runEnd(text, p, ok, len);
    if (p - s === len && !ok(codeAt(text, s - 1)) && !isWordAt(text, s - 1) && !isWordAt(text, p) && random(text.slice(s, p))) push(out, s, p);
    while (p < end && ok(text.charCodeAt(p))) p++;
  }
}

const mixed = (s: string): boolean => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9+/]/.test(s) && !isFillerBody(s);

/** An AWS secret access key (40 base64 characters) within a few lines of its key id. */
export function findAwsSecretNear(text: string, keyStart: number, keyEnd: number, out: RawMatch[]): void {
  findPairedSecret(text, keyStart - 160, keyStart, b64, 40, mixed, out);
  findPairedSecret(text, keyEnd, keyEnd + 160, b64, 40, mixed, out);
}

function findAnchored(text: string, anchor: string, out: RawMatch[], accept: (at: number) => [number, number] | null): void {
  for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + 1)) {
    const span = accept(at);
    if (span) {
      push(out, span[0], span[1]);
      at = Math.max(at, span[1] - 1);
    }
  }
}

const azureChar = (c: number): boolean => isAlnum(c) || c === 95 || c === 126 || c === 46;
const azureTail = (c: number): boolean => azureChar(c) || c === 45;
const lowerAlnum = (c: number): boolean => isLower(c) || isDigit(c) || isUpper(c);
const tfTail = (c: number): boolean => isAlnum(c) || c === 95 || c === 61 || c === 45;

const SHAPES = /\b(?:AC|SK)[0-9a-f]{32}\b|\b[0-9a-f]{32}-(?:us\d{1,2}\b|[0-9a-f]{8}-[0-9a-f]{8}\b)|\b[MNO][\w-]{22,25}\.[\w-]{6}\.[\w-]{27,38}(?![\w-])/g;
const TWILIO_CONTEXT = /twilio|auth|token|secret|key|password/i;

function acceptShape(text: string, at: number, token: string, out: RawMatch[]): void {
  const end = at + token.length;
  if (token.startsWith('AC') || token.startsWith('SK')) {
    if (!contextHas(text, at, end, TWILIO_CONTEXT)) return;
    push(out, at, end); // Twilio account or API key SID, named as a credential; its auth token is 32 hex nearby
    findPairedSecret(text, end, end + 120, isHex, 32, (s) => /[a-f]/.test(s) && /\d/.test(s), out);
  } else if (/-us\d/.test(token)) push(out, at, end); // Mailchimp API key
  else if (token.includes('.')) {
    // Discord bot token: base64 of the bot's numeric id, a timestamp, an HMAC.
    const id = decodeBase64Url(token.slice(0, token.indexOf('.')));
    if (id !== null && /^\d{17,20}$/.test(id)) push(out, at, end);
  } else if (contextHas(text, at, end, /mailgun|signing/i)) push(out, at, end); // Mailgun webhook signing key
}

export function findShapedTokens(text: string, out: RawMatch[]): void {
  SHAPES.lastIndex = 0;
  for (let m = SHAPES.exec(text); m !== null; m = SHAPES.exec(text)) acceptShape(text, m.index, m[0], out);
  // OpenAI's legacy keys: sk-, 20 characters, "T3BlbkFJ" (base64 of "OpenAI"), 20 characters.
  findAnchored(text, 'T3BlbkFJ', out, (at) => {
    const s = runStart(text, at, isB64Url, 200);
    const e = runEnd(text, at, isB64Url, 200);
    return text.startsWith('sk-', s) && at - s >= 20 && e - at >= 28 && !isWordAt(text, s - 1) ? [s, e] : null;
  });
  // Azure AD (Entra ID) client secrets: three characters, a digit, "Q~", 31 to 34 characters.
  findAnchored(text, 'Q~', out, (at) => {
    const s = at - 4;
    if (s < 0 || !isDigit(codeAt(text, at - 1)) || azureTail(codeAt(text, s - 1))) return null;
    for (let k = s; k < at - 1; k++) if (!azureChar(text.charCodeAt(k))) return null;
    let e = runEnd(text, at + 2, azureTail, 40);
    if (azureTail(codeAt(text, e))) return null;
    while (text.charCodeAt(e - 1) === 46 && e - at - 2 > 31) e--; // a full stop ends the sentence
    return e - at - 2 >= 31 && e - at - 2 <= 34 ? [s, e] : null;
  });
  // HashiCorp Terraform Cloud: 14 characters, ".atlasv1.", 60 to 70 characters.
  findAnchored(text, '.atlasv1.', out, (at) => {
    const s = runStart(text, at, lowerAlnum, 14);
    const e = runEnd(text, at + 9, tfTail, 70);
    return at - s === 14 && !isWordAt(text, s - 1) && e - at - 9 >= 60 && e - at - 9 <= 70 && !tfTail(codeAt(text, e)) ? [s, e] : null;
  });
  // Telegram bot tokens: the bot's numeric id, ":AA", 33 base64url characters.
  findAnchored(text, ':AA', out, (at) => {
    const s = runStart(text, at, isDigit, 10);
    const e = runEnd(text, at + 3, isB64Url, 33);
    const before = codeAt(text, s - 1);
    const idOk = at - s >= 8 && (!isWordAt(text, s - 1) || (before === 116 && text.startsWith('bot', s - 3)));
    return idOk && e - at - 3 === 33 && !isB64Url(codeAt(text, e)) ? [s, e] : null;
  });
  // Discord webhooks: https://discord.com/api/webhooks/<id>/<token>.
  findAnchored(text, '/api/webhooks/', out, (at) => {
    const host = text.slice(Math.max(0, at - 32), at);
    const m = /(?:https?:\/\/)?(?:(?:ptb|canary)\.)?discord(?:app)?\.com$/.exec(host);
    if (m === null) return null;
    const idEnd = runEnd(text, at + 14, isDigit, 20);
    if (idEnd - at - 14 < 17 || codeAt(text, idEnd) !== 47) return null;
    const e = runEnd(text, idEnd + 1, isB64Url, 100);
    return e - idEnd - 1 >= 60 ? [at - m[0].length, e] : null;
  });
}
