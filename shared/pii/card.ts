import { codeAt, isDigit, isWordAt, nextDigit } from './chars.js';
import { luhnValid } from './luhn.js';
import type { RawMatch } from './types.js';

// Hand-written: issuer prefixes, lengths and the grouping people actually type are a table
// lookup plus Luhn, which no regular expression expresses; the scan reads digit groups once.

interface Issuer {
  from: number;
  to: number;
  /** number of leading digits compared with from..to */
  width: number;
  lengths: readonly number[];
}

const R = (from: number, to: number, lengths: readonly number[]): Issuer => ({ from, to, width: String(from).length, lengths });
const L16_19 = [16, 17, 18, 19];
const L12_19 = [12, 13, 14, 15, 16, 17, 18, 19];

const ISSUERS: readonly Issuer[] = [
  R(4, 4, [13, 16, 19]), // Visa (and Visa Electron)
  R(51, 55, [16]), // Mastercard
  R(2221, 2720, [16]), // Mastercard 2-series
  R(34, 34, [15]), // American Express
  R(37, 37, [15]),
  R(6011, 6011, L16_19), // Discover
  R(644, 649, L16_19),
  R(65, 65, L16_19),
  R(622126, 622925, L16_19),
  R(3528, 3589, L16_19), // JCB
  R(300, 305, [14, 16, 17, 18, 19]), // Diners Club
  R(3095, 3095, [14, 16, 17, 18, 19]),
  R(36, 36, [14, 16, 17, 18, 19]),
  R(38, 39, [14, 16, 17, 18, 19]),
  R(62, 62, L16_19), // UnionPay
  R(5018, 5018, L12_19), // Maestro
  R(5020, 5020, L12_19),
  R(5038, 5038, L12_19),
  R(5893, 5893, L12_19),
  R(6304, 6304, L12_19),
  R(6759, 6759, L12_19),
  R(6761, 6763, L12_19),
  R(2200, 2204, L16_19), // Mir
  R(60, 60, [16]), // RuPay
  R(508, 508, [16]),
  R(9792, 9792, [16]), // Troy
  R(506099, 506198, [16, 18, 19]), // Verve
  R(650002, 650027, [16, 18, 19]),
  R(509000, 509999, [16]), // Elo
  R(637, 639, [16]), // InstaPayment
  R(5019, 5019, [16]), // Dankort
];

export function issuerMatches(digits: string): boolean {
  // prefix[w] = the first w digits as a number
  const prefix = [0];
  for (let w = 1; w <= 6; w++) prefix.push((prefix[w - 1] as number) * 10 + (digits.charCodeAt(w - 1) - 48));
  for (const iss of ISSUERS) {
    const p = prefix[iss.width] as number;
    if (p >= iss.from && p <= iss.to && iss.lengths.includes(digits.length)) return true;
  }
  return false;
}

/** Group layouts in which card numbers are written (besides one contiguous run of 12-19 digits). */
const LAYOUTS: readonly (readonly number[])[] = [
  [4, 4, 4, 4, 3],
  [4, 4, 4, 4, 2],
  [4, 4, 4, 4, 1],
  [6, 13],
  [4, 4, 4, 4],
  [4, 6, 5],
  [4, 4, 4, 3],
  [4, 6, 4],
  [4, 4, 4, 2],
  [4, 4, 5],
  [4, 3, 3, 3],
  [4, 4, 4, 1],
  [4, 4, 4],
  // Groups glued together by something that renders as nothing (a comment, a CDATA section).
  [8, 8],
  [8, 4, 4],
  [4, 8, 4],
  [4, 4, 8],
  [12, 4],
  [4, 12],
];

interface Group {
  s: number;
  e: number;
  /** separator before this group (0 for the first) */
  sep: number;
}

// Spaces, dashes, and dots ("4111.1111.1111.1111"): a layout, Luhn and an issuer must still agree.
const isCardSep = (c: number): boolean => c === 32 || c === 45 || c === 46;

/** Reads digit groups joined by single spaces, dashes or dots, starting at a digit. At most 64 groups. */
export function readGroups(text: string, i: number): Group[] {
  const groups: Group[] = [];
  let p = i;
  let sep = 0;
  for (;;) {
    const s = p;
    while (isDigit(codeAt(text, p))) p++;
    groups.push({ s, e: p, sep });
    const c = codeAt(text, p);
    if (groups.length >= 64 || !isCardSep(c) || !isDigit(codeAt(text, p + 1))) break;
    sep = c;
    p++;
  }
  return groups;
}

const badBefore = (text: string, i: number): boolean => {
  const c = codeAt(text, i - 1);
  return isWordAt(text, i - 1) || ((c === 46 || c === 44) && isDigit(codeAt(text, i - 2)));
};
const badAfter = (text: string, e: number): boolean => {
  const c = codeAt(text, e);
  return isWordAt(text, e) || ((c === 46 || c === 44) && isDigit(codeAt(text, e + 1)));
};

function digitsOf(text: string, groups: readonly Group[], a: number, b: number): string {
  let d = '';
  for (let g = a; g <= b; g++) d += text.slice((groups[g] as Group).s, (groups[g] as Group).e);
  return d;
}

const isCard = (digits: string): boolean => luhnValid(digits) && issuerMatches(digits);

/** Tries the layouts at group `a`; returns the index of the last group used, or -1. */
function matchAt(text: string, groups: readonly Group[], a: number): number {
  const first = groups[a] as Group;
  // A number does not start or end in the middle of a dash- or dot-joined run ("12-4111-1111-…", "3.4111…").
  if (a > 0 && (first.sep === 45 || first.sep === 46)) return -1;
  const endsInDashRun = (b: number): boolean => b + 1 < groups.length && ((groups[b + 1] as Group).sep === 45 || (groups[b + 1] as Group).sep === 46);
  const len0 = first.e - first.s;
  if (len0 >= 12 && len0 <= 19) return !endsInDashRun(a) && isCard(digitsOf(text, groups, a, a)) ? a : -1;
  for (const layout of LAYOUTS) {
    const b = a + layout.length - 1;
    if (b >= groups.length) continue;
    let ok = true;
    for (let k = 0; k < layout.length && ok; k++) {
      const g = groups[a + k] as Group;
      ok = g.e - g.s === layout[k] && (k === 0 || g.sep === (groups[a + 1] as Group).sep);
    }
    if (!ok || endsInDashRun(b)) continue;
    if (isCard(digitsOf(text, groups, a, b))) return b;
  }
  return -1;
}

export function findCards(text: string, out: RawMatch[]): void {
  for (let i = nextDigit(text, 0); i !== -1; i = nextDigit(text, i + 1)) {
    if (isDigit(codeAt(text, i - 1))) continue;
    const groups = readGroups(text, i);
    const last = groups[groups.length - 1] as Group;
    const runBadBefore = badBefore(text, i);
    const runBadAfter = badAfter(text, last.e);
    for (let a = 0; a < groups.length; a++) {
      if (a === 0 && runBadBefore) continue;
      const b = matchAt(text, groups, a);
      if (b < 0 || (b === groups.length - 1 && runBadAfter)) continue;
      out.push({ type: 'CREDIT_CARD', start: (groups[a] as Group).s, end: (groups[b] as Group).e });
      a = b;
    }
    i = last.e - 1;
  }
}
