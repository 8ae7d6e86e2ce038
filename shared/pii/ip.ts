import { before, codeAt, isDigit, isHex, isWordAt } from './chars.js';
import type { RawMatch } from './types.js';

// Hand-written: strict IPv4/IPv6 validation (octet ranges, no leading zeros, every compressed
// IPv6 form) is awkward and slow as a regular expression; small parsers over bounded runs are
// exact and linear.

const VERSION_CONTEXT = /(?:\bversions?|\bver\.?|\brelease|\bbuild|\bfirmware|\bv)\s*[:=]?\s*$/;

/** Parses a dotted quad at `i`; returns its end or -1. */
function parseIPv4(text: string, i: number): number {
  let p = i;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (codeAt(text, p) !== 46) return -1;
      p++;
    }
    const s = p;
    while (p - s < 4 && isDigit(codeAt(text, p))) p++;
    const len = p - s;
    if (len === 0 || len > 3) return -1;
    if (len > 1 && text.charCodeAt(s) === 48) return -1; // leading zero: "01"
    if (Number(text.slice(s, p)) > 255) return -1;
  }
  return p;
}

// An address starts with the run of digits just before its first dot, so the scan jumps from dot
// to dot (indexOf runs in native code) instead of visiting every character.
function findIPv4(text: string, out: RawMatch[]): void {
  let from = 0;
  for (let dot = text.indexOf('.'); dot !== -1; dot = text.indexOf('.', Math.max(dot + 1, from))) {
    let i = dot;
    while (i > from && isDigit(text.charCodeAt(i - 1))) i--;
    if (i === dot) continue;
    const prev = codeAt(text, i - 1);
    if (isDigit(prev) || prev === 46 || isWordAt(text, i - 1)) continue;
    const end = parseIPv4(text, i);
    if (end < 0) continue;
    const next = codeAt(text, end);
    // "1.2.3.4.5" or "1.2.3.4x" are not addresses.
    if (isWordAt(text, end) || (next === 46 && isDigit(codeAt(text, end + 1)))) continue;
    if (VERSION_CONTEXT.test(before(text, i, 16))) continue;
    out.push({ type: 'IP_ADDRESS', start: i, end });
    from = end;
  }
}

function parseGroups(part: string): number {
  // Returns the number of 16-bit groups in a ':'-separated list, or -1 when invalid.
  if (part === '') return 0;
  const groups = part.split(':');
  let count = 0;
  for (let g = 0; g < groups.length; g++) {
    const grp = groups[g] as string;
    if (grp.includes('.')) {
      // An embedded IPv4 address may only be the very last group.
      if (g !== groups.length - 1) return -1;
      if (parseIPv4(grp, 0) !== grp.length) return -1;
      count += 2;
      continue;
    }
    if (grp.length < 1 || grp.length > 4) return -1;
    for (let k = 0; k < grp.length; k++) if (!isHex(grp.charCodeAt(k))) return -1;
    count++;
  }
  return count;
}

/** Strict RFC 4291 textual form (with the optional trailing dotted quad). */
export function isValidIPv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const dbl = s.indexOf('::');
  if (dbl < 0) return parseGroups(s) === 8 && !s.slice(0, s.lastIndexOf(':')).includes('.');
  if (s.indexOf('::', dbl + 1) >= 0) return false;
  const head = s.slice(0, dbl);
  const tail = s.slice(dbl + 2);
  if (head.includes('.')) return false;
  const h = parseGroups(head);
  const t = parseGroups(tail);
  return h >= 0 && t >= 0 && h + t <= 7;
}

const isV6Char = (c: number): boolean => isHex(c) || c === 58 || c === 46;

// A candidate is a run of hex digits, colons and dots with at least two colons: the scan jumps
// from colon to colon (indexOf runs in native code) and reads the run around each.
function findIPv6(text: string, out: RawMatch[]): void {
  const n = text.length;
  let i = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', i)) {
    let runStart = colon;
    while (runStart > i && isV6Char(text.charCodeAt(runStart - 1))) runStart--;
    i = colon;
    let colons = 0;
    while (i < n && isV6Char(text.charCodeAt(i))) {
      if (text.charCodeAt(i) === 58) colons++;
      i++;
    }
    if (colons < 2 || isWordAt(text, runStart - 1) || isWordAt(text, i)) continue;
    let s = runStart;
    let e = i;
    // Sentence punctuation and "host:port"-style glue around the address.
    while (e > s && text.charCodeAt(e - 1) === 46) e--;
    if (e - s >= 2 && text.charCodeAt(e - 1) === 58 && text.charCodeAt(e - 2) !== 58) e--;
    if (e - s >= 2 && text.charCodeAt(s) === 58 && text.charCodeAt(s + 1) !== 58) s++;
    if (e - s > 45) continue;
    const cand = text.slice(s, e);
    // Require a digit: "::" alone, "dead::beef" or "Add::Face" are code, not addresses.
    if (!/\d/.test(cand) || !isValidIPv6(cand)) continue;
    // Python slices: x[1::2].
    if (codeAt(text, s - 1) === 91 && (isWordAt(text, s - 2) || codeAt(text, s - 2) === 41 || codeAt(text, s - 2) === 93)) continue;
    out.push({ type: 'IP_ADDRESS', start: s, end: e });
  }
}

export function findIps(text: string, out: RawMatch[]): void {
  findIPv4(text, out);
  findIPv6(text, out);
}
