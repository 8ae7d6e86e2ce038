// What a reader sees, with a map back to what the author typed.
//
// The detector must judge a post by what its readers will see, not by its source: `4111&#32;1111…`,
// a comment or a tag between the groups, a zero-width space, full-width or Arabic-Indic digits, or
// groups spread over table cells all render as a plain card number. This builds that reading of the
// source and remembers, for every character of it, which source code units it came from, so that
// findings still point into the submitted text and masking can replace exactly the source of the
// characters a reader would see.
//
// Hand-written, and deliberately an over-approximation of the renderer: markdown-it keeps no
// character offsets for inline content, so it cannot map rendered text back to the source. This
// reading undoes everything markdown-it and the sanitizer undo (entities, comments, tags, escapes,
// emphasis and code delimiters, table pipes, soft line breaks) and a bit more (entities inside code
// are decoded too), which can only add warnings. The property tests in test/unit/pii/as-read-property.test.ts
// check it against the real renderer's output, test/e2e/disguised-pii.test.ts against Chromium.
// Linear in practice: the ends of comments, processing instructions and CDATA sections are found
// with cached indexOf, and a tag's grammar stops at the first character that cannot continue it.
import { entityAt, HtmlScanner, SHOWN_ATTRIBUTE, type Tag } from './html-read.js';
import { Reader, SEP_LINE, SEP_SPACE } from './reading-buffer.js';

export type TextFormat = 'plain' | 'markdown';

export interface Reading {
  /** The text a reader sees: invisible characters gone, spaces, dashes, digits and `@`/`.` folded. */
  text: string;
  /** For each code unit of `text`, the source code units it came from: `[from[i], to[i])`. */
  from: Int32Array;
  to: Int32Array;
  /** True when `text` is the source itself, code unit for code unit. */
  identity: boolean;
  /** True when source text that no reader sees was left out (comments, tag internals). */
  hidesText: boolean;
  /** Source offsets of the `|` that were read as gaps between table cells (markdown only). */
  pipes: number[];
  /** Source ranges no reader sees (comments, processing instructions, …), as start, end, start, end … */
  hidden: number[];
  /** Source ranges a reader sees apart from the text (a link's destination and title), likewise. */
  apart: number[];
  /** Whether a character reads differently from how it is written: a reference decoded, a character folded or dropped. */
  folded: boolean;
  /** Reading offsets where a bidi control stood, and whether a right-to-left letter was read (see ./bidi.ts). */
  bidiMarks: number[];
  rightToLeft: boolean;
}


/** Tags after which a reader sees a new block. `<br>` is not one: like a soft break, it reads as a space. */
const BLOCK_TAGS = new Set(['p', 'div', 'hr', 'li', 'ul', 'ol', 'tr', 'table', 'thead', 'tbody', 'tfoot', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dl', 'dt', 'dd', 'section', 'article', 'header', 'footer', 'figure', 'figcaption', 'details', 'summary', 'caption']);
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
/** Block quote markers and list markers at the start of a line: layout, not text. */
const LINE_MARKERS = /[ \t]*(?:>[ \t]?)*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?/y;

/** Runs of source that read as themselves, copied in one step (the common case: words and single spaces). */
const MARKDOWN_RUN = /(?:[^<&\\*`~_|\[\]!\s\u0080-\uffff]| (?=[^<&\\*`~_|\[\]!\s\u0080-\uffff]))+/y;
/**
 * What follows a link's or image's text and shows nothing in place: `](destination "title")`, or
 * `][label]` of a reference link (CommonMark §6.3, on one line). The destination shows in the
 * status bar, apart from the text; the sanitized HTML's links are checked there (rendered-check).
 */
const LINK_TAIL = /\]\((?:\s*<[^<>\n]*>|\s*[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?\s*\)|\]\[[^\[\]\n]{0,999}\]/y;
/** A link reference definition: a line that renders as nothing. */
const REFERENCE_DEFINITION = / {0,3}\[[^\[\]\n]{1,999}\]:[ \t]*\S+[^\n]*/y;
const PLAIN_RUN = /[^\t\n\r\f\v\u0080-\uffff]+/y;
const ATTRIBUTE_RUN = /[^&\t\n\r\f\v\u0080-\uffff]+/y;

/**
 * Reads `[s, e)` as characters: code points folded and, in an attribute value (`references`),
 * character references decoded. Text shown as written (a title) has none to decode.
 */
function readChars(r: Reader, src: string, s: number, e: number, references: boolean): void {
  const run = references ? ATTRIBUTE_RUN : PLAIN_RUN;
  for (let p = s; p < e; ) {
    run.lastIndex = p;
    if (run.test(src) && run.lastIndex <= e) {
      r.run(p, run.lastIndex);
      p = run.lastIndex;
      continue;
    }
    if (references && src.charCodeAt(p) === 38) {
      const ref = entityAt(src, p, true);
      if (ref && p + ref.length <= e) {
        readReference(r, ref.text, p, p + ref.length);
        p += ref.length;
        continue;
      }
    }
    const cp = src.codePointAt(p) as number;
    const w = cp > 0xffff ? 2 : 1;
    r.char(cp, p, p + w);
    p += w;
  }
}

/** A decoded reference: a line feed in it is not a new block (markdown-it keeps it inside the paragraph). */
function readReference(r: Reader, text: string, s: number, e: number): void {
  r.folded = true;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 10 || cp === 13) r.sep(SEP_SPACE, s, e);
    else r.char(cp, s, e);
  }
}

/** A tag: nothing of it shows but a block break or a cell gap, and the attribute values a reader can see. */
function readTag(r: Reader, tag: Tag, p: number, src: string): void {
  r.hidesText ||= tag.text.length > tag.name.length + 3; // more than a bare <b> or </b>
  if (tag.name === 'td' || tag.name === 'th' || tag.name === 'br') r.sep(SEP_SPACE, p, p);
  else if (BLOCK_TAGS.has(tag.name)) r.sep(SEP_LINE, p, p);
  SHOWN_ATTRIBUTE.lastIndex = 0;
  for (let a = SHOWN_ATTRIBUTE.exec(tag.text); a; a = SHOWN_ATTRIBUTE.exec(tag.text)) {
    const value = a[1] ?? a[2] ?? a[3] ?? '';
    const at = p + a.index + a[0].length - value.length - (a[3] === undefined ? 1 : 0);
    r.sep(SEP_SPACE, at, at);
    readChars(r, src, at, at + value.length, true);
    r.sep(SEP_SPACE, at + value.length, at + value.length);
  }
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const NON_ASCII_LETTER = /\p{L}/u;
const isLetterCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 127 && NON_ASCII_LETTER.test(String.fromCharCode(c)));
const isAlnumCode = (c: number): boolean => isDigitCode(c) || isLetterCode(c) || (c > 127 && /\p{Nd}/u.test(String.fromCharCode(c)));

/**
 * Whether a run of emphasis, code or strike-through delimiters reads as nothing. Between two
 * digits it does (`41*11*`: the groups join); next to a letter it is kept as a boundary, since
 * markdown-it may well show it (`a*4539 …`) and dropping it would glue the number to the letter;
 * an underscore between two word characters never opens emphasis (snake_case, sk_live_…).
 */
function delimiterVanishes(src: string, s: number, e: number): boolean {
  const left = s > 0 ? src.charCodeAt(s - 1) : -1;
  const right = e < src.length ? src.charCodeAt(e) : -1;
  if (src.charCodeAt(s) === 95 && isAlnumCode(left) && isAlnumCode(right)) return false;
  return !isLetterCode(left) && !isLetterCode(right);
}

/** Markdown with inline HTML, read the way the rendered and sanitized post shows it. */
function readMarkdown(r: Reader, src: string): void {
  const n = src.length;
  const html = new HtmlScanner(src);
  let p = skipDefinition(r, src, skipLineMarkers(src, 0));
  if (p > 0) r.sep(SEP_SPACE, 0, p);
  while (p < n) {
    const c = src.charCodeAt(p);
    if (c !== 32 || !r.hasPendingSeparator) {
      MARKDOWN_RUN.lastIndex = p;
      if (MARKDOWN_RUN.test(src)) {
        r.run(p, MARKDOWN_RUN.lastIndex);
        p = MARKDOWN_RUN.lastIndex;
        continue;
      }
    }
    if (c === 60 /* < */) {
      const hidden = html.hiddenEnd(p);
      if (hidden !== -1) {
        r.hidesText = true;
        r.hidden.push(p, hidden);
        p = hidden;
        continue;
      }
      const tag = html.tagAt(p);
      if (tag) {
        readTag(r, tag, p, src);
        p = tag.end;
        continue;
      }
      r.push(c, p, p + 1);
      p++;
      continue;
    }
    if (c === 38 /* & */) {
      const ref = entityAt(src, p, false);
      if (ref) {
        readReference(r, ref.text, p, p + ref.length);
        p += ref.length;
        continue;
      }
    }
    if (c === 92 /* \ */ && p + 1 < n) {
      const next = src.charCodeAt(p + 1);
      if (next === 10 || next === 13) {
        r.sep(SEP_SPACE, p, p + 1); // a hard line break shows the text on the next line, like a soft one
        p++;
        continue;
      }
      if (next < 128 && ASCII_PUNCT.test(src[p + 1] as string)) {
        r.push(next, p, p + 2);
        p += 2;
        continue;
      }
    }
    if (c === 42 /* * */ || c === 96 /* ` */ || c === 126 /* ~ */ || c === 95 /* _ */) {
      let q = p + 1;
      while (q < n && src.charCodeAt(q) === c) q++;
      const strikeOrOther = c !== 126 || q - p >= 2;
      if (strikeOrOther && delimiterVanishes(src, p, q)) {
        p = q;
        continue;
      }
      r.run(p, q);
      p = q;
      continue;
    }
    if (c === 93 /* ] */) {
      LINK_TAIL.lastIndex = p;
      const end = LINK_TAIL.test(src) ? LINK_TAIL.lastIndex : p + 1;
      if (end > p + 1) r.apart.push(p, end);
      p = end; // a bracket alone is the end of a link's text, or text too slight to matter
      continue;
    }
    if (c === 91 /* [ */ || (c === 33 /* ! */ && src.charCodeAt(p + 1) === 91)) {
      p += c === 33 ? 2 : 1; // an image's alt text or a link's text reads inline
      continue;
    }
    if (c === 124 /* | */) {
      r.sep(SEP_SPACE, p, p + 1); // table cells of one row read side by side
      r.pipes.push(p);
      p++;
      continue;
    }
    if (c === 10 || c === 13) {
      // A soft line break reads as a space; a blank line or the start of a table row as a new line.
      // Quote and list markers on the next line are layout: `> 4111 1111\n> 1111 1111` is one paragraph.
      let q = p;
      let lines = 0;
      while (q < n) {
        const d = src.charCodeAt(q);
        if (d === 10) lines++;
        else if (d !== 13 && d !== 32 && d !== 9) break;
        q++;
      }
      const tableRow = src.charCodeAt(q) === 124 || lastNonSpace(src, p) === 124;
      if (lines < 2 && !tableRow) q = skipLineMarkers(src, q);
      q = skipDefinition(r, src, q);
      r.sep(lines >= 2 || tableRow || q >= n ? SEP_LINE : SEP_SPACE, p, q);
      p = q;
      continue;
    }
    const cp = src.codePointAt(p) as number;
    const w = cp > 0xffff ? 2 : 1;
    r.char(cp, p, p + w);
    p += w;
  }
}

/** Past a link reference definition starting at `p`, if there is one (hidden: it renders as nothing). */
function skipDefinition(r: Reader, src: string, p: number): number {
  if (src.charCodeAt(p) !== 91 && src.charCodeAt(p) !== 32) return p;
  REFERENCE_DEFINITION.lastIndex = p;
  if (!REFERENCE_DEFINITION.test(src)) return p;
  r.apart.push(p, REFERENCE_DEFINITION.lastIndex); // its destination becomes links' targets
  return REFERENCE_DEFINITION.lastIndex;
}

function skipLineMarkers(src: string, p: number): number {
  LINE_MARKERS.lastIndex = p;
  return LINE_MARKERS.test(src) ? LINE_MARKERS.lastIndex : p;
}

function lastNonSpace(src: string, p: number): number {
  let q = p - 1;
  while (q >= 0 && (src.charCodeAt(q) === 32 || src.charCodeAt(q) === 9 || src.charCodeAt(q) === 13)) q--;
  return q >= 0 ? src.charCodeAt(q) : -1;
}

/** The text a reader sees for `source`, with the map back into it. */
export function readAsShown(source: string, format: TextFormat): Reading {
  const r = new Reader(source, format === 'markdown');
  if (format === 'markdown') readMarkdown(r, source);
  else readChars(r, source, 0, source.length, false);
  return r.result();
}
