import { codeAt, isAlnum, isDigit, isLetter, isWordAt } from './chars.js';
import type { RawMatch } from './types.js';

// Hand-written: a regular expression for addresses is easy to make quadratic on inputs such as
// "a.a.a.a…" or "a@a@a@…". Instead every '@' is expanded outwards with bounded loops
// (local part <= 64, domain <= 253 code units), which keeps the scan linear.

const LOCAL_MAX = 64;
const DOMAIN_MAX = 253;

// RFC 5322 atext minus the characters that usually delimit an address in prose or code
// (= / ' ` { } |), plus the dot.
const LOCAL_EXTRA = new Set('!#$%&*+-?^_~.'.split('').map((c) => c.charCodeAt(0)));
const isLocalChar = (c: number): boolean => isAlnum(c) || LOCAL_EXTRA.has(c);
const isLabelChar = (c: number): boolean => isAlnum(c) || c === 45;

// "icon@2x.png", "logo@3x.webp": image density suffixes, not mailboxes.
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'avif', 'css', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json', 'map', 'html', 'htm', 'txt', 'yml', 'yaml', 'lock', 'tgz']);

function validLabel(text: string, s: number, e: number): boolean {
  return e > s && e - s <= 63 && codeAt(text, s) !== 45 && codeAt(text, e - 1) !== 45;
}

function validTld(tld: string): boolean {
  if (tld.length < 2 || tld.length > 63) return false;
  if (/^xn--[a-z0-9-]{1,59}$/i.test(tld)) return true;
  for (let i = 0; i < tld.length; i++) if (!isLetter(tld.charCodeAt(i))) return false;
  return !FILE_TLDS.has(tld.toLowerCase());
}

/** Returns the end of the domain starting at `s`, or -1 when there is no valid dotted domain. */
function scanDomain(text: string, s: number): number {
  const limit = Math.min(text.length, s + DOMAIN_MAX);
  let labelStart = s;
  let lastGoodEnd = -1; // end of the last label that was followed by a dot
  let labels = 0;
  let i = s;
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (isLabelChar(c)) continue;
    if (c !== 46) break;
    if (!validLabel(text, labelStart, i)) return -1;
    labels++;
    lastGoodEnd = i;
    labelStart = i + 1;
  }
  if (i === limit && limit < text.length && isLabelChar(codeAt(text, i))) return -1; // longer than any domain
  let end = i;
  // A trailing hyphen cannot end a label: "example.com-" ends at "com".
  while (end > labelStart && codeAt(text, end - 1) === 45) end--;
  if (end === labelStart) {
    // Trailing dot ("mail me at a@b.com.") or nothing after the last dot.
    if (labels < 2 || lastGoodEnd < 0) return -1;
    end = lastGoodEnd;
    // The TLD is then the label before that dot.
    const prevDot = text.lastIndexOf('.', end - 1);
    if (prevDot < s || !validTld(text.slice(prevDot + 1, end))) return -1;
    return end;
  }
  if (labels < 1 || !validLabel(text, labelStart, end)) return -1;
  if (!validTld(text.slice(labelStart, end))) return -1;
  return end;
}

/** True when `s` is inside the authority of a URL ("ssh://git@host", "https://user:pw@host"): a user name, not a mailbox. */
function inUrlAuthority(text: string, s: number): boolean {
  for (let p = s - 1; p >= 2 && s - p <= 256; p--) {
    const c = text.charCodeAt(p);
    if (c === 47) return text.charCodeAt(p - 1) === 47 && text.charCodeAt(p - 2) === 58; // "://"
    if (c <= 32 || c === 64 || c === 34 || c === 39 || c === 60 || c === 62) return false;
  }
  return false;
}

export function findEmails(text: string, out: RawMatch[]): void {
  let lastEnd = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (at < lastEnd) continue;
    // Local part: walk left, bounded.
    let s = at;
    while (s > 0 && at - s <= LOCAL_MAX && isLocalChar(text.charCodeAt(s - 1))) s--;
    if (at - s > LOCAL_MAX || s === at) continue;
    // Consecutive dots cannot appear in a dot-atom: keep what follows the last "..".
    for (let k = at - 1; k > s; k--) {
      if (text.charCodeAt(k) === 46 && text.charCodeAt(k - 1) === 46) {
        s = k + 1;
        break;
      }
    }
    while (s < at && text.charCodeAt(s) === 46) s++;
    if (s === at || text.charCodeAt(at - 1) === 46) continue;
    if (s < lastEnd || isWordAt(text, s - 1)) continue; // glued to a non-ASCII word
    if (!isAlnum(codeAt(text, at + 1))) continue;
    const end = scanDomain(text, at + 1);
    if (end < 0) continue;
    if (isWordAt(text, end) || codeAt(text, end) === 64) continue;
    // "icon@2x.png" style names.
    if (isDigit(codeAt(text, at + 1)) && /^\d{1,2}x\./i.test(text.slice(at + 1, at + 6))) continue;
    if (inUrlAuthority(text, s)) continue;
    out.push({ type: 'EMAIL', start: s, end });
    lastEnd = end;
  }
}
