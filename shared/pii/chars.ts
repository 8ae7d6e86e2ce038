// Character-class helpers shared by the hand-written scanners. Everything works on UTF-16 code
// units (`charCodeAt`), so offsets are plain JavaScript string indices.

const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;

// Skipping ahead with a regular expression: V8 runs the search for one character class in native
// code, several times faster than a charCodeAt loop in JavaScript, and `test` on a global
// expression reports where it matched through lastIndex without allocating a match array.
const DIGIT = /[0-9]/g;

/** Index of the first ASCII digit at or after `from`, or -1. */
export function nextDigit(text: string, from: number): number {
  DIGIT.lastIndex = from;
  return DIGIT.test(text) ? DIGIT.lastIndex - 1 : -1;
}

/** Index of the first match of the single-character global expression `re` at or after `from`, or -1. */
export function nextOf(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  return re.test(text) ? re.lastIndex - 1 : -1;
}

/** Code unit at `i`, or -1 outside the string (so callers need no bounds checks). */
export function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isLower = (c: number): boolean => c >= 97 && c <= 122;
export const isLetter = (c: number): boolean => isUpper(c) || isLower(c);
export const isAlnum = (c: number): boolean => isDigit(c) || isLetter(c);
export const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
/** base64url alphabet: A-Z a-z 0-9 - _ */
export const isB64Url = (c: number): boolean => isAlnum(c) || c === 45 || c === 95;
export const isSpaceOrTab = (c: number): boolean => c === 32 || c === 9;
export const isWhitespace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x3000;

/** True when the character at `i` belongs to a word: ASCII alphanumerics, `_`, or any Unicode letter/number. */
export function isWordAt(text: string, i: number): boolean {
  const c = codeAt(text, i);
  if (c < 0) return false;
  if (c < 128) return isAlnum(c) || c === 95;
  // Surrogate halves: test the whole code point.
  if (c >= 0xdc00 && c <= 0xdfff) return NON_ASCII_WORD.test(text.slice(Math.max(0, i - 1), i + 1));
  if (c >= 0xd800 && c <= 0xdbff) return NON_ASCII_WORD.test(text.slice(i, i + 2));
  return NON_ASCII_WORD.test(text[i] ?? '');
}

/** Lower-cased text of at most `max` code units ending at `end` (for short look-behind keyword checks). */
export function before(text: string, end: number, max: number): string {
  return text.slice(Math.max(0, end - max), end).toLowerCase();
}
