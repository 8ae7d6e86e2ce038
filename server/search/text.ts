// What search reads and how it reads it: a post's published text (never its source), words folded
// for case and accents, the query language (words, the last one also a prefix, "phrases", -words),
// and the snippet. The check of a candidate's current text against the query: answers.ts.
//
// By hand: MiniSearch finds candidates but knows no phrases, and no library checks a query against
// a text and marks its words the way the index matched them; the folding must be the very same
// function in the index, the check and the snippet, so all three live here.
import { Parser } from 'htmlparser2';
import { escapeHtml } from '../content/escape-html.js';

// A word is a run of letters and digits (with their combining marks), /[\p{L}\p{N}\p{M}]+/u;
// everything else separates words. eachWord finds them.
const MARKS = /\p{M}/gu;

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Case- and accent-insensitive form of a word: "Élan" and "elan" are one word, as are "ＡＢＣ" and
 * "abc". An ASCII word has no compatibility decomposition and no marks, so lower case is all it
 * needs: most words take that path, which skips the normalization (most of an index update's cost).
 */
export const fold = (word: string): string => (ASCII.test(word) ? word.toLowerCase() : word.normalize('NFKD').replace(MARKS, '').toLowerCase());

/** The words of a text, as written. */
export const words = (text: string): string[] => {
  const out: string[] = [];
  eachWord(text, (start, end) => void out.push(text.slice(start, end)));
  return out;
};

/** A letter, digit or combining mark at `lastIndex` (sticky: `test` makes no match object). */
const WORD_CHAR_AT = /[\p{L}\p{N}\p{M}]/uy;

/**
 * Calls `visit(start, end, ascii)` (code-unit offsets; `ascii`: the word is plain ASCII) for each
 * word of `text` in order, the same runs as `text.match(/[\p{L}\p{N}\p{M}]+/gu)`, until `visit`
 * answers true. No match object per word: the check of a query's candidates and their snippets
 * scan every candidate's text on every query, and `matchAll`'s objects were the largest part of a
 * query's garbage (V8's sampling heap profiler), so of the collections that land in its latency.
 * By hand: a sticky regex tests one code point at a time.
 */
export function eachWord(text: string, visit: (start: number, end: number, ascii: boolean) => boolean | void): void {
  let start = -1;
  let ascii = true;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let word: boolean;
    let width = 1;
    if (c < 0x80) {
      word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    } else {
      WORD_CHAR_AT.lastIndex = i;
      word = WORD_CHAR_AT.test(text);
      // A surrogate pair is one code point: step over both halves.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) width = 2;
      }
    }
    if (word) {
      if (start < 0) {
        start = i;
        ascii = true;
      }
      if (c >= 0x80) ascii = false;
    } else if (start >= 0) {
      if (visit(start, i, ascii)) return;
      start = -1;
    }
    i += width;
  }
  if (start >= 0) visit(start, text.length, ascii);
}

/**
 * Whether the plain ASCII word `text[start, end)` folds to `term` (or, `prefix`, to a word that
 * begins with it), compared in place: an ASCII word folds to its lower case, so no string is made.
 */
export function asciiWordIs(text: string, start: number, end: number, term: string, prefix: boolean): boolean {
  const n = term.length;
  if (prefix ? end - start < n : end - start !== n) return false;
  for (let k = 0; k < n; k++) {
    let c = text.charCodeAt(start + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== term.charCodeAt(k)) return false;
  }
  return true;
}

/** The words of a text, folded (what the index and the check compare). */
export const foldedWords = (text: string): string[] => {
  const out: string[] = [];
  eachWord(text, (start, end) => {
    const f = fold(text.slice(start, end));
    if (f.length > 0) out.push(f);
  });
  return out;
};

const BLOCK = new Set(['p', 'br', 'li', 'tr', 'td', 'th', 'div', 'pre', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'ul', 'ol', 'table']);

/**
 * The text a reader sees in a post's published HTML: text nodes with entities decoded, blocks and
 * cells apart. The HTML is the sanitizer's output (masked values already masked), read with the
 * sanitizer's own parser.
 */
export function publishedText(html: string | null): string {
  if (!html) return '';
  const out: string[] = [];
  const parser = new Parser({
    ontext: (t) => out.push(t),
    onopentag: (name) => BLOCK.has(name) && out.push(' '),
    onclosetag: (name) => BLOCK.has(name) && out.push(' '),
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return out.join('').replace(/\s+/g, ' ').trim();
}

export interface QueryPart {
  /** Folded words: one for a word, several for a phrase. */
  terms: string[];
  phrase: boolean;
  exclude: boolean;
  /** The last word typed, matched as a prefix too (search while typing). */
  prefix: boolean;
}

export interface ParsedQuery {
  parts: QueryPart[];
  /** Every folded word the query looks for (not the excluded ones), for the snippet's marks. */
  wanted: string[];
  /** The prefix the last word may be, if any. */
  prefix: string | null;
}

/**
 * A last word shorter than this matches as a whole word only: one or two letters begin most words
 * of the index, which costs much and finds nothing in particular.
 */
export const MIN_PREFIX = 3;

/**
 * `q` as parts: `"quoted words"` a phrase, `-word` or `-"a phrase"` excluded, the rest words; the
 * last bare word (not quoted, not excluded, not followed by a space) also as a prefix. An unclosed
 * quote runs to the end.
 */
export function parseQuery(q: string): ParsedQuery {
  const parts: QueryPart[] = [];
  const token = /(^|\s)(-?)"([^"]*)"?|(^|\s)-([^\s"]+)|([^\s"]+)/g;
  let m: RegExpExecArray | null;
  let lastBare: QueryPart | null = null;
  let lastEnd = 0;
  while ((m = token.exec(q))) {
    lastEnd = m.index + m[0].length;
    if (m[3] !== undefined) {
      const terms = foldedWords(m[3]);
      if (terms.length) parts.push({ terms, phrase: terms.length > 1, exclude: m[2] === '-', prefix: false });
      lastBare = null;
    } else if (m[5] !== undefined) {
      const terms = foldedWords(m[5]);
      // "-e-mail" excludes the phrase "e mail"; "-x" one word.
      if (terms.length) parts.push({ terms, phrase: terms.length > 1, exclude: true, prefix: false });
      lastBare = null;
    } else {
      // "e-mail" or "foo.bar" without quotes is still one phrase of its words.
      const terms = foldedWords(m[6]!);
      if (!terms.length) continue;
      const part: QueryPart = { terms, phrase: terms.length > 1, exclude: false, prefix: false };
      parts.push(part);
      lastBare = part;
    }
  }
  let prefix: string | null = null;
  if (lastBare && lastEnd === q.length && parts[parts.length - 1] === lastBare) {
    const last = lastBare.terms[lastBare.terms.length - 1]!;
    if (last.length >= MIN_PREFIX) {
      lastBare.prefix = true;
      prefix = last;
    }
  }
  const wanted = [...new Set(parts.filter((p) => !p.exclude).flatMap((p) => p.terms))];
  return { parts, wanted, prefix };
}

/** Whether the character at code unit `i` (either half of a surrogate pair) is part of a word. */
const isWordChar = (text: string, i: number) => {
  WORD_CHAR_AT.lastIndex = isLowSurrogate(text, i) ? i - 1 : i;
  return WORD_CHAR_AT.test(text);
};
const isLowSurrogate = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

export { escapeHtml };

/**
 * Up to about `size` characters of `text` around its first matched word, escaped, with each matched
 * word in `<mark>` and no other markup; "…" where the text was cut.
 */
export function snippet(text: string, query: ParsedQuery, size = 200): string {
  const { wanted, prefix } = query;
  // An ASCII word is compared in place (a query wants few words); only the others are folded.
  const isHit = (start: number, end: number, ascii: boolean) => {
    if (!ascii) {
      const f = fold(text.slice(start, end));
      return wanted.includes(f) || (prefix !== null && f.startsWith(prefix));
    }
    for (const term of wanted) if (asciiWordIs(text, start, end, term, false)) return true;
    return prefix !== null && asciiWordIs(text, start, end, prefix, true);
  };
  // Matched words as start, end pairs. No word starting more than `size` after the first match can
  // be in the window (it starts at or before that match), so the scan stops there.
  const hits: number[] = [];
  eachWord(text, (start, end, ascii) => {
    if (hits.length > 0 && start > hits[0]! + size) return true;
    if (isHit(start, end, ascii)) hits.push(start, end);
  });
  const first = hits[0] ?? 0;
  const firstEnd = hits[1] ?? 0;
  // Cut only where a word ends (a space, a slash, a comma…), never inside a word or a character.
  const boundary = (i: number) =>
    i <= 0 || i >= text.length || (!isLowSurrogate(text, i) && !(isWordChar(text, i - 1) && isWordChar(text, i)));
  let start = Math.max(0, first - Math.floor(size / 3));
  while (start > 0 && start < first && !boundary(start)) start++;
  let end = Math.min(text.length, Math.max(start + size, firstEnd));
  while (end < text.length && end > firstEnd && !boundary(end)) end--;
  if (!boundary(end)) while (end < text.length && !boundary(end)) end++;
  let out = start > 0 ? '…' : '';
  let at = start;
  for (let k = 0; k < hits.length; k += 2) {
    const hStart = hits[k]!;
    const hEnd = hits[k + 1]!;
    if (hStart < start || hEnd > end) continue;
    out += escapeHtml(text.slice(at, hStart)) + '<mark>' + escapeHtml(text.slice(hStart, hEnd)) + '</mark>';
    at = hEnd;
  }
  out += escapeHtml(text.slice(at, end));
  return end < text.length ? out + '…' : out;
}
