import { codeAt, isAlnum, isB64Url, isLetter, isWordAt } from './chars.js';
import { findCommandSecrets } from './command-secret.js';
import { findConfigSecrets } from './config-secret.js';
import { findMarkupSecrets } from './markup-secret.js';
import { isFillerBody, isPlaceholder } from './placeholder.js';
import { findProseSecrets } from './prose-secret.js';
import { decodeBase64Url, findAwsSecretNear, findShapedTokens } from './provider-token-shapes.js';
import { findTokenFormats } from './provider-tokens.js';
import type { RawMatch } from './types.js';

// Hand-written: private keys, JWTs and credentials in URLs are each found by indexOf on a fixed
// string and then a bounded forward read, so a repeated marker ("eyJeyJ…", "-----BEGIN -----BEGIN
// …") can never make the scan quadratic the way an unanchored regular expression could. Token
// formats of providers are in provider-tokens.ts and provider-token-shapes.ts, configuration
// lines in config-secret.ts, command lines in command-secret.ts, XML and setters in markup-secret.ts,
// a name and a value with only a space between in prose-secret.ts.

const push = (out: RawMatch[], start: number, end: number): void => {
  out.push({ type: 'SECRET', start, end });
};

/** A JWT's (or JWS's) header is a JSON object naming its algorithm. */
function isJoseHeader(segment: string): boolean {
  if (segment.length > 2048) return false;
  const json = decodeBase64Url(segment);
  if (json === null) return false;
  try {
    const header: unknown = JSON.parse(json);
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

/** JWT: header.payload.signature, base64url, the header a JSON object ('{"' is 'eyJ') with "alg". */
function findJwts(text: string, out: RawMatch[]): void {
  const readSeg = (p: number): number => {
    while (p < text.length && isB64Url(text.charCodeAt(p))) p++;
    return p;
  };
  for (let at = text.indexOf('eyJ'); at !== -1; at = text.indexOf('eyJ', at + 1)) {
    if (isB64Url(codeAt(text, at - 1)) || codeAt(text, at - 1) === 46 || isWordAt(text, at - 1)) continue;
    const h = readSeg(at);
    let end = -1;
    if (h - at >= 10 && codeAt(text, h) === 46) {
      const pl = readSeg(h + 1);
      if (pl - h - 1 >= 4 && codeAt(text, pl) === 46) {
        const sig = readSeg(pl + 1);
        if (sig - pl - 1 >= 16 && !isWordAt(text, sig) && isJoseHeader(text.slice(at, h))) end = sig;
      }
    }
    if (end > 0) push(out, at, end);
    at = Math.max(at, (end > 0 ? end : h) - 1);
  }
}

const isB64 = (c: number): boolean => isAlnum(c) || c === 43 || c === 47 || c === 61;

/** End of the base64 lines (and RFC 1421 headers) that follow a PEM header with no END line. */
function truncatedBodyEnd(text: string, bodyStart: number): number {
  let end = bodyStart;
  let p = bodyStart;
  let lines = 0;
  while (p < text.length) {
    // One line: base64 only, optionally followed by spaces; stop at the first other character.
    let q = p;
    while (q < text.length && isB64(text.charCodeAt(q))) q++;
    const contentEnd = q;
    while (q < text.length && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9 || text.charCodeAt(q) === 13)) q++;
    const c = codeAt(text, q);
    if (c === 58 && /^(?:Proc-Type|DEK-Info)$/.test(text.slice(p, contentEnd))) {
      const nl = text.indexOf('\n', q);
      if (nl < 0 || nl - q > 256) break;
      p = nl + 1;
      continue;
    }
    if (c !== 10 && c !== -1) break; // prose on this line
    if (contentEnd === p) {
      if (lines > 0) break; // blank line after the body
    } else {
      lines++;
      end = contentEnd;
    }
    p = q + 1;
  }
  return end;
}

/** PEM private keys: the whole BEGIN…END block (or header plus body when END is missing). */
function findPemKeys(text: string, out: RawMatch[]): void {
  const BEGIN = '-----BEGIN ';
  const endCache = new Map<string, number>(); // marker -> last indexOf result (-1: none)
  for (let at = text.indexOf(BEGIN); at !== -1; at = text.indexOf(BEGIN, at + 1)) {
    const labelStart = at + BEGIN.length;
    const close = text.indexOf('-----', labelStart);
    if (close < 0) return;
    if (close - labelStart > 48) continue;
    const label = text.slice(labelStart, close);
    if (!/^[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?$/.test(label)) continue;
    const bodyStart = close + 5;
    const marker = `-----END ${label}-----`;
    let endAt = endCache.get(marker);
    if (endAt === undefined || (endAt >= 0 && endAt < bodyStart)) {
      endAt = text.indexOf(marker, bodyStart);
      endCache.set(marker, endAt);
    }
    let end: number;
    let body: string;
    if (endAt >= 0) {
      end = endAt + marker.length;
      body = text.slice(bodyStart, endAt);
    } else {
      // Truncated paste: header plus the base64 lines that follow it (up to a blank line or prose).
      end = truncatedBodyEnd(text, bodyStart);
      body = text.slice(bodyStart, end);
    }
    if ((body.match(/[A-Za-z0-9+/]/g)?.length ?? 0) < 16) continue;
    push(out, at, end);
    at = end - 1;
  }
}

const URL_STOP = new Set([32, 9, 10, 13, 34, 39, 60, 62, 96, 0xa0]); // whitespace " ' < > `

/** scheme://user:password@host…: the whole URL. */
function findUrlCredentials(text: string, out: RawMatch[]): void {
  let lastEnd = 0;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 1)) {
    if (sep < lastEnd) continue;
    let s = sep;
    while (s > 0 && sep - s < 32) {
      const c = text.charCodeAt(s - 1);
      if (isAlnum(c) || c === 43 || c === 45 || c === 46) s--;
      else break;
    }
    if (s === sep || !isLetter(text.charCodeAt(s)) || isWordAt(text, s - 1)) continue;
    // Authority: up to the first '/' or stop character. A '?' or '#' before the last '@' is taken
    // as part of a password pasted without percent-encoding.
    let a = sep + 3;
    let lastAt = -1;
    const limit = Math.min(text.length, a + 512);
    while (a < limit) {
      const c = text.charCodeAt(a);
      if (URL_STOP.has(c) || c === 47) break;
      if (c === 64) lastAt = a;
      a++;
    }
    if (lastAt < 0) continue;
    const userinfo = text.slice(sep + 3, lastAt);
    const colon = userinfo.indexOf(':');
    if (colon < 0 || /[?#]/.test(userinfo.slice(0, colon))) continue;
    const user = userinfo.slice(0, colon);
    const password = userinfo.slice(colon + 1);
    const hostStart = codeAt(text, lastAt + 1);
    // The same word for user and password ("postgres:postgres") is a default from the documentation;
    // a one-letter password ("u:p") is a stand-in.
    if (password.length < 2 || password === user || isPlaceholder(password) || (!isAlnum(hostStart) && hostStart !== 91)) continue;
    let e = a;
    const urlLimit = Math.min(text.length, s + 2048);
    while (e < urlLimit && !URL_STOP.has(text.charCodeAt(e))) e++;
    while (e > lastAt + 1 && '.,;:!?)]}'.includes(text[e - 1] as string)) e--;
    push(out, s, e);
    lastEnd = e;
  }
}

function findSlackWebhooks(text: string, out: RawMatch[]): void {
  const HOST = 'hooks.slack.com/';
  for (let at = text.indexOf(HOST); at !== -1; at = text.indexOf(HOST, at + 1)) {
    let p = at + HOST.length;
    const limit = Math.min(text.length, p + 256);
    while (p < limit && (isAlnum(text.charCodeAt(p)) || text[p] === '/' || text[p] === '_' || text[p] === '-')) p++;
    const parts = text.slice(at + HOST.length, p).split('/');
    const secret = parts[parts.length - 1] ?? '';
    const ok = ((parts[0] === 'services' && parts.length >= 4 && secret.length >= 16) || (parts[0] === 'workflows' && parts.length >= 3)) && !isFillerBody(secret);
    if (!ok) continue;
    let s = at;
    if (text.slice(Math.max(0, at - 8), at) === 'https://') s = at - 8;
    else if (text.slice(Math.max(0, at - 7), at) === 'http://') s = at - 7;
    push(out, s, p);
    at = p - 1;
  }
}

const AWS_KEY_IDS = new Set(['AKIA', 'ASIA', 'ABIA', 'ACCA']);

export function findSecrets(text: string, out: RawMatch[]): void {
  findPemKeys(text, out);
  findUrlCredentials(text, out);
  findSlackWebhooks(text, out);
  findTokenFormats(text, out, (start, end, prefix) => {
    if (AWS_KEY_IDS.has(prefix)) findAwsSecretNear(text, start, end, out);
  });
  findShapedTokens(text, out);
  findJwts(text, out);
  findConfigSecrets(text, out);
  findCommandSecrets(text, out);
  findMarkupSecrets(text, out);
  findProseSecrets(text, out);
}
