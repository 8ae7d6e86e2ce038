// How one character reads, whatever the script or compatibility form it is written in: the
// per-character half of ./as-read.ts. Unicode properties through the regular expression engine
// (the same tables the browser and Node ship), so no table of our own goes stale.

// Characters that render as nothing: format controls (zero-width space and joiners, soft hyphen,
// word joiner, BOM, bidi controls, …) and the other default-ignorable code points (variation
// selectors, Hangul fillers, combining grapheme joiner).
// Combining marks (an accent over a digit, the keycap U+20E3) leave the character under them
// readable, so they read as nothing too.
// U+FFFC, the object replacement character, draws nothing where no object is embedded.
const IGNORABLE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}\uFFFC]$/u;
/** Spaces, line and paragraph separators, and the Braille blank, which shows as a space. */
const SPACE = /^[\p{Zs}\u2028\u2029\u0085\u2800]$/u;
const DASH = /^[\p{Pd}\u2212\u2043\u02D7\u2796]$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
/** Full stops that NFKC leaves alone but readers take for a dot. */
const DOT_LIKE = new Set([0x3002, 0xff61, 0xfe52, 0x2024, 0x0701, 0x0702, 0x2e3c]);

/**
 * Enclosed and dingbat digits that NFKC leaves alone (negative circled, double circled and sans-serif
 * circled): the first code point of each run and the number it starts at.
 */
const ENCLOSED_RUNS: readonly [from: number, to: number, first: number][] = [
  [0x24eb, 0x24f4, 11], // ⓫ … ⓴
  [0x24f5, 0x24fe, 1], // ⓵ … ⓾
  [0x24ff, 0x24ff, 0], // ⓿
  [0x2776, 0x277f, 1], // ❶ … ❿
  [0x2780, 0x2789, 1], // ➀ … ➉
  [0x278a, 0x2793, 1], // ➊ … ➓
  [0x1f10b, 0x1f10c, 0], // 🄋 🄌
];
/** What NFKC makes of parenthesized digits and digits with a full stop or comma: `(4)`, `4.`, `4,`. */
const ENCLOSED_NFKC = /^\(?(\d{1,2})[).,]?$/;

function enclosedDigit(cp: number): string | null {
  for (const [from, to, first] of ENCLOSED_RUNS) if (cp >= from && cp <= to) return String(first + cp - from);
  return null;
}

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
  else if ((r = enclosedDigit(cp) ?? undefined) !== undefined) {
    // a dingbat digit
  } else {
    const nfkc = ch.normalize('NFKC');
    const enclosed = nfkc !== ch && cp >= 0x2460 ? ENCLOSED_NFKC.exec(nfkc) : null;
    // A compatibility form that turns into ASCII (full-width letters, digits and signs, math
    // alphanumerics, ligatures) reads as that ASCII; anything else reads as itself.
    // Enclosed digits (①, ⑷, ⒋, 🄅) read as their digits alone.
    r = enclosed ? (enclosed[1] as string) : nfkc !== ch && /^[\x20-\x7e]+$/.test(nfkc) ? nfkc : ch;
  }
  if (folded.size < 20_000) folded.set(cp, r);
  return r;
}
