// How one character reads, whatever the script or compatibility form it is written in: the
// per-character half of ./as-read.ts. Unicode properties through the regular expression engine
// (the same tables the browser and Node ship), so no table of our own goes stale.

// Characters that render as nothing: format controls (zero-width space and joiners, soft hyphen,
// word joiner, BOM, bidi controls, …) and the other default-ignorable code points (variation
// selectors, Hangul fillers, combining grapheme joiner).
const IGNORABLE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}]$/u;
const SPACE = /^[\p{Zs}\u2028\u2029\u0085]$/u;
const DASH = /^[\p{Pd}\u2212\u2043\u02D7\u2796]$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
/** Full stops that NFKC leaves alone but readers take for a dot. */
const DOT_LIKE = new Set([0x3002, 0xff61, 0xfe52, 0x2024, 0x0701, 0x0702, 0x2e3c]);

const folded = new Map<number, string>();

/** The digit a character of any decimal digit script stands for (they come in runs of ten from zero). */
function digitValue(cp: number): number {
  let zero = cp;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (cp - zero) % 10;
}

/**
 * How a non-ASCII code point reads: '' (invisible), ' ' (a space), '-' (a dash), an ASCII digit,
 * its compatibility form (full-width `＠` → `@`, `ｅ` → `e`), or itself. Cached: the same few
 * hundred characters come back post after post.
 */
export function fold(cp: number): string {
  let r = folded.get(cp);
  if (r !== undefined) return r;
  const ch = String.fromCodePoint(cp);
  if (IGNORABLE.test(ch)) r = '';
  else if (SPACE.test(ch)) r = ' ';
  else if (DASH.test(ch)) r = '-';
  else if (DECIMAL_DIGIT.test(ch)) r = String(digitValue(cp));
  else if (DOT_LIKE.has(cp)) r = '.';
  else {
    const nfkc = ch.normalize('NFKC');
    // A compatibility form that turns into ASCII (full-width letters, digits and signs, math
    // alphanumerics, ligatures) reads as that ASCII; anything else reads as itself.
    r = nfkc !== ch && /^[\x20-\x7e]+$/.test(nfkc) ? nfkc : ch;
  }
  if (folded.size < 20_000) folded.set(cp, r);
  return r;
}
