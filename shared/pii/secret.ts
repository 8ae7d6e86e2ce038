import { codeAt, isAlnum, isB64Url, isDigit, isHex, isLetter, isUpper, isWordAt } from './chars.js';
import { findConfigSecrets } from './config-secret.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Hand-written: each token format is found by indexOf on its fixed prefix and then a bounded
// forward read, so a repeated prefix ("ghp_ghp_…", "eyJeyJ…", "-----BEGIN -----BEGIN …") can
// never make the scan quadratic the way an unanchored regular expression could.

const push = (out: RawMatch[], start: number, end: number): void => {
  out.push({ type: 'SECRET', start, end });
};

interface TokenFormat {
  prefix: string;
  body: (c: number) => boolean;
  min: number;
  max: number;
  /** The whole body must match (formats whose body has an inner structure). */
  shape?: RegExp;
}

const alnum = isAlnum;
const upperAlnum = (c: number): boolean => isUpper(c) || isDigit(c);
const alnumUnderscore = (c: number): boolean => isAlnum(c) || c === 95;
const alnumDash = (c: number): boolean => isAlnum(c) || c === 45;
const b64url = isB64Url;

const TOKEN_FORMATS: readonly TokenFormat[] = [
  { prefix: 'AKIA', body: upperAlnum, min: 16, max: 16 }, // AWS access key id
  { prefix: 'ASIA', body: upperAlnum, min: 16, max: 16 }, // AWS temporary access key id
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((prefix) => ({ prefix, body: alnum, min: 36, max: 251 })), // GitHub
  { prefix: 'github_pat_', body: alnumUnderscore, min: 40, max: 251 },
  ...['glpat-', 'gldt-', 'glrt-', 'glptt-'].map((prefix) => ({ prefix, body: b64url, min: 20, max: 255 })), // GitLab
  ...['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-'].map((prefix) => ({ prefix, body: alnumDash, min: 10, max: 255 })), // Slack
  // Stripe secret and restricted keys; publishable keys (pk_) are public by design.
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'].map((prefix) => ({ prefix, body: alnum, min: 16, max: 255 })),
  { prefix: 'whsec_', body: alnum, min: 24, max: 255 }, // Stripe webhook signing secret
  // OpenAI project, service-account and admin keys; Anthropic keys.
  ...['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-ant-'].map((prefix) => ({ prefix, body: b64url, min: 40, max: 255 })),
  { prefix: 'AIza', body: b64url, min: 35, max: 35 }, // Google API key
  { prefix: 'npm_', body: alnum, min: 36, max: 36 }, // npm access token
  { prefix: 'pypi-AgEIcHlwaS5vcmc', body: b64url, min: 50, max: 255 }, // PyPI API token (a macaroon for pypi.org)
  { prefix: 'hf_', body: alnum, min: 30, max: 40 }, // Hugging Face access token
  ...['shpat_', 'shpca_', 'shppa_', 'shpss_'].map((prefix) => ({ prefix, body: isHex, min: 32, max: 32 })), // Shopify
  ...['dop_v1_', 'doo_v1_', 'dor_v1_'].map((prefix) => ({ prefix, body: isHex, min: 64, max: 64 })), // DigitalOcean
  { prefix: 'SG.', body: (c: number) => isB64Url(c) || c === 46, min: 66, max: 66, shape: /^[\w-]{22}\.[\w-]{43}$/ }, // SendGrid
  { prefix: 'sq0atp-', body: b64url, min: 22, max: 22 }, // Square access token
  { prefix: 'sq0csp-', body: b64url, min: 43, max: 43 }, // Square OAuth secret
  { prefix: 'lin_api_', body: alnum, min: 40, max: 40 }, // Linear API key
  { prefix: 'dp.pt.', body: alnum, min: 43, max: 43 }, // Doppler personal token
];

// All prefixes in one search (an alternation of fixed strings: one native scan, linear, instead of
// one indexOf pass per format). No prefix is the start of another (a unit test checks), and a
// prefix inside a found token follows a word character, '-' or (SendGrid) '.', so it either does
// not count or lies inside the token already found: resuming after each token finds what a pass
// per format would, as far as the overlap resolution that follows can tell.
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const TOKEN_PREFIXES: readonly string[] = TOKEN_FORMATS.map((f) => f.prefix);
// Every prefix starts with a word character and must not follow one (checked below), so `\b` in
// front lets the engine try the alternatives only where a word starts.
const TOKEN_PREFIX = new RegExp(`\\b(?:${TOKEN_PREFIXES.map(escapeRe).join('|')})`, 'g');
const FORMAT_OF = new Map(TOKEN_FORMATS.map((f) => [f.prefix, f]));

function findTokenFormats(text: string, out: RawMatch[]): void {
  TOKEN_PREFIX.lastIndex = 0;
  for (let m = TOKEN_PREFIX.exec(text); m !== null; m = TOKEN_PREFIX.exec(text)) {
    const at = m.index;
    const f = FORMAT_OF.get(m[0]) as TokenFormat;
    TOKEN_PREFIX.lastIndex = at + 1;
    if (isWordAt(text, at - 1) || codeAt(text, at - 1) === 45) continue;
    let p = at + f.prefix.length;
    const limit = p + f.max;
    while (p < text.length && p <= limit && f.body(text.charCodeAt(p))) p++;
    while (text.charCodeAt(p - 1) === 46 && p > at + f.prefix.length) p--; // a full stop ends the sentence, not the token
    const len = p - at - f.prefix.length;
    if (len < f.min || len > f.max || isWordAt(text, p)) continue;
    if (f.shape && !f.shape.test(text.slice(at + f.prefix.length, p))) continue;
    push(out, at, p);
    TOKEN_PREFIX.lastIndex = p;
  }
}

/** JWT: header.payload.signature, base64url, header starting with eyJ ('{"'). */
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
        if (sig - pl - 1 >= 16 && !isWordAt(text, sig)) end = sig;
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
    // Authority: up to the first '/', '?', '#' or stop character.
    let a = sep + 3;
    let lastAt = -1;
    const limit = Math.min(text.length, a + 512);
    while (a < limit) {
      const c = text.charCodeAt(a);
      if (URL_STOP.has(c) || c === 47 || c === 63 || c === 35) break;
      if (c === 64) lastAt = a;
      a++;
    }
    if (lastAt < 0) continue;
    const userinfo = text.slice(sep + 3, lastAt);
    const colon = userinfo.indexOf(':');
    if (colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    const hostStart = codeAt(text, lastAt + 1);
    if (password === '' || isPlaceholder(password) || (!isAlnum(hostStart) && hostStart !== 91)) continue;
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
    const ok = (parts[0] === 'services' && parts.length >= 4 && (parts[3]?.length ?? 0) >= 16) || (parts[0] === 'workflows' && parts.length >= 3);
    if (!ok) continue;
    let s = at;
    if (text.slice(Math.max(0, at - 8), at) === 'https://') s = at - 8;
    else if (text.slice(Math.max(0, at - 7), at) === 'http://') s = at - 7;
    push(out, s, p);
    at = p - 1;
  }
}

export function findSecrets(text: string, out: RawMatch[]): void {
  findPemKeys(text, out);
  findUrlCredentials(text, out);
  findSlackWebhooks(text, out);
  findTokenFormats(text, out);
  findJwts(text, out);
  findConfigSecrets(text, out);
}
