import { codeAt, isAlnum, isDigit, isWordAt } from './chars.js';
import type { RawMatch } from './types.js';

// Hand-written: validity is the per-country length plus the ISO 7064 mod-97 checksum, which no
// pattern can express; the scan reads each candidate once.

/** IBAN length per country (SWIFT IBAN registry, release of December 2024). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.freeze({
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
});

/** ISO 7064 MOD 97-10 over an upper-case alphanumeric IBAN. */
export function ibanChecksumValid(iban: string): boolean {
  const s = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** Reads an IBAN starting at `i` (compact or in groups of four); returns [end, normalised] or null. */
function readIban(text: string, i: number, len: number): [number, string] | null {
  let p = i + 4;
  const sep = codeAt(text, p);
  if ((sep === 32 || sep === 45) && isAlnum(codeAt(text, p + 1))) {
    // Grouped by spaces, "DE89 3704 0044 0532 0130 00", or by dashes, "DE89-3704-0044-0532-0130-00"
    // (one separator throughout).
    let count = 4;
    while (count < len) {
      if (codeAt(text, p) !== sep) return null;
      p++;
      const want = Math.min(4, len - count);
      for (let k = 0; k < want; k++, p++) if (!isAlnum(codeAt(text, p))) return null;
      count += want;
      if (count < len && isAlnum(codeAt(text, p))) return null; // a group longer than four
    }
  } else {
    for (const stop = i + len; p < stop; p++) if (!isAlnum(codeAt(text, p))) return null;
  }
  if (isWordAt(text, p)) return null;
  if (codeAt(text, p) === 45 && isAlnum(codeAt(text, p + 1))) return null; // more groups than the country's length
  return [p, text.slice(i, p).replace(/[ -]/g, '').toUpperCase()];
}

// Two letters and two digits start every IBAN. The expression finds the next such place in native
// code (it has no quantifier that could backtrack: linear), and every place is tried, overlapping
// ones included, exactly as a scan of every position would.
const IBAN_HEAD = /[A-Za-z]{2}[0-9]{2}/g;

export function findIbans(text: string, out: RawMatch[]): void {
  IBAN_HEAD.lastIndex = 0;
  while (IBAN_HEAD.test(text)) {
    const i = IBAN_HEAD.lastIndex - 4;
    IBAN_HEAD.lastIndex = i + 1;
    if (isWordAt(text, i - 1)) continue;
    const len = IBAN_LENGTHS[text.slice(i, i + 2).toUpperCase()];
    if (len === undefined) continue;
    const got = readIban(text, i, len);
    if (got === null || !ibanChecksumValid(got[1])) continue;
    out.push({ type: 'IBAN', start: i, end: got[0] });
    IBAN_HEAD.lastIndex = got[0];
  }
}
