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
// are decoded too), which can only add warnings. The property tests in test/unit/pii/as-read.test.ts
// check it against the real renderer's output. Linear in the input: every `<` looks ahead at most
// to the next `<` or `>`, found with cached indexOf.
import { decodeHTML } from 'entities';
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
}


/** Tags after which a reader sees a new line (block boundaries), or a gap (cells of one row). */
const BLOCK_TAGS = new Set(['p', 'div', 'br', 'hr', 'li', 'ul', 'ol', 'tr', 'table', 'thead', 'tbody', 'tfoot', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dl', 'dt', 'dd', 'section', 'article', 'header', 'footer', 'figure', 'figcaption', 'details', 'summary', 'caption']);
const TAG = /^<\/?([A-Za-z][A-Za-z0-9-]*)(?:[\s/][^<>]*)?>$/;
/** Attributes whose values a reader can see (link targets in the status bar, tooltips, alt text). */
const SHOWN_ATTRIBUTE = /\b(?:href|title|alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const ENTITY = /&(?:#[xX][0-9a-fA-F]{1,6};?|#[0-9]{1,7};?|[A-Za-z][A-Za-z0-9]{1,31};?)/y;
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/** Runs of source that read as themselves, copied in one step (the common case: words and single spaces). */
const MARKDOWN_RUN = /(?:[^<&\\*`~_|\s\u0080-\uffff]| (?=[^<&\\*`~_|\s\u0080-\uffff]))+/y;
const PLAIN_RUN = /[^\t\n\r\f\v\u0080-\uffff]+/y;

/** Reads `[s, e)` of the source as plain characters: code points folded, nothing else. */
function readPlain(r: Reader, src: string, s: number, e: number): void {
  for (let p = s; p < e; ) {
    PLAIN_RUN.lastIndex = p;
    if (PLAIN_RUN.test(src) && PLAIN_RUN.lastIndex <= e) {
      r.run(p, PLAIN_RUN.lastIndex);
      p = PLAIN_RUN.lastIndex;
      continue;
    }
    const cp = src.codePointAt(p) as number;
    const w = cp > 0xffff ? 2 : 1;
    r.char(cp, p, p + w);
    p += w;
  }
}

/** Length of the entity at `p` that HTML decodes, and what it decodes to; null when `&` is literal. */
function entityAt(src: string, p: number): { length: number; text: string } | null {
  ENTITY.lastIndex = p;
  const m = ENTITY.exec(src);
  if (!m) return null;
  const raw = m[0];
  const decoded = decodeHTML(raw);
  if (decoded === raw) return null;
  if (raw.endsWith(';') || raw.charCodeAt(1) === 35) return { length: raw.length, text: decoded };
  // A legacy entity without its semicolon (`&nbsp1`): the decoder used a prefix of the match and
  // left the rest as written; find that prefix.
  for (let k = raw.length; k > 2; k--) {
    const head = raw.slice(0, k);
    const d = decodeHTML(head);
    if (d !== head && d + raw.slice(k) === decoded) return { length: k, text: d };
  }
  return null;
}

/** Reads `[s, e)` with HTML entities decoded (attribute values; Markdown text). */
function readDecoded(r: Reader, src: string, s: number, e: number): void {
  for (let p = s; p < e; ) {
    if (src.charCodeAt(p) === 38) {
      const ent = entityAt(src, p);
      if (ent && p + ent.length <= e) {
        for (const ch of ent.text) r.char(ch.codePointAt(0) as number, p, p + ent.length);
        p += ent.length;
        continue;
      }
    }
    const cp = src.codePointAt(p) as number;
    const w = cp > 0xffff ? 2 : 1;
    r.char(cp, p, p + w);
    p += w;
  }
}

const isAlnumCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;

/** Markdown with inline HTML, read the way the rendered and sanitized post shows it. */
function readMarkdown(r: Reader, src: string): void {
  const n = src.length;
  let nextGt = -2; // cached indexOf results; -2: not looked up yet
  let nextLt = -2;
  let commentEnd = -2;
  const after = (cache: number, needle: string, from: number): number =>
    cache !== -1 && (cache === -2 || cache < from) ? src.indexOf(needle, from) : cache;

  for (let p = 0; p < n; ) {
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
      if (src.startsWith('<!--', p)) {
        commentEnd = after(commentEnd, '-->', p + 4);
        if (commentEnd !== -1) {
          r.hidesText = true;
          p = commentEnd + 3;
          continue;
        }
      } else {
        nextGt = after(nextGt, '>', p + 1);
        nextLt = after(nextLt, '<', p + 1);
        if (nextGt !== -1 && (nextLt === -1 || nextGt < nextLt)) {
          const tag = src.slice(p, nextGt + 1);
          const m = TAG.exec(tag);
          if (m) {
            r.hidesText ||= tag.length > (m[1] as string).length + 3; // more than a bare <b> or </b>
            const name = (m[1] as string).toLowerCase();
            if (name === 'td' || name === 'th') r.sep(SEP_SPACE, p, p);
            else if (BLOCK_TAGS.has(name)) r.sep(SEP_LINE, p, p);
            SHOWN_ATTRIBUTE.lastIndex = 0;
            for (let a = SHOWN_ATTRIBUTE.exec(tag); a; a = SHOWN_ATTRIBUTE.exec(tag)) {
              const value = a[1] ?? a[2] ?? a[3] ?? '';
              const at = p + a.index + a[0].length - value.length - (a[3] === undefined ? 1 : 0);
              r.sep(SEP_SPACE, at, at);
              readDecoded(r, src, at, at + value.length);
              r.sep(SEP_SPACE, at + value.length, at + value.length);
            }
            p = nextGt + 1;
            continue;
          }
        }
      }
      r.push(c, p, p + 1);
      p++;
      continue;
    }
    if (c === 38 /* & */) {
      const ent = entityAt(src, p);
      if (ent) {
        for (const ch of ent.text) r.char(ch.codePointAt(0) as number, p, p + ent.length);
        p += ent.length;
        continue;
      }
    }
    if (c === 92 /* \ */ && p + 1 < n) {
      const next = src.charCodeAt(p + 1);
      if (next === 10 || next === 13) {
        r.sep(SEP_LINE, p, p + 2); // a hard line break
        p += 2;
        continue;
      }
      if (next < 128 && ASCII_PUNCT.test(src[p + 1] as string)) {
        r.push(next, p, p + 2);
        p += 2;
        continue;
      }
    }
    // Emphasis, strong, strikethrough and code delimiters render as nothing. An underscore between
    // two word characters cannot open or close emphasis (snake_case, sk_live_…), so it stays.
    if (c === 42 /* * */ || c === 96 /* ` */ || (c === 126 /* ~ */ && (src.charCodeAt(p + 1) === 126 || src.charCodeAt(p - 1) === 126)) ||
      (c === 95 /* _ */ && !(isAlnumCode(src.charCodeAt(p - 1)) && isAlnumCode(src.charCodeAt(p + 1))))) {
      p++;
      continue;
    }
    if (c === 124 /* | */) {
      r.sep(SEP_SPACE, p, p + 1); // table cells of one row read side by side
      p++;
      continue;
    }
    if (c === 10 || c === 13) {
      // A soft line break reads as a space; a blank line or the start of a table row as a new line.
      let q = p;
      let lines = 0;
      while (q < n) {
        const d = src.charCodeAt(q);
        if (d === 10) lines++;
        else if (d !== 13 && d !== 32 && d !== 9) break;
        q++;
      }
      const tableRow = src.charCodeAt(q) === 124 || lastNonSpace(src, p) === 124;
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

function lastNonSpace(src: string, p: number): number {
  let q = p - 1;
  while (q >= 0 && (src.charCodeAt(q) === 32 || src.charCodeAt(q) === 9 || src.charCodeAt(q) === 13)) q--;
  return q >= 0 ? src.charCodeAt(q) : -1;
}

/** The text a reader sees for `source`, with the map back into it. */
export function readAsShown(source: string, format: TextFormat): Reading {
  const r = new Reader(source, format === 'markdown');
  if (format === 'markdown') readMarkdown(r, source);
  else readPlain(r, source, 0, source.length);
  return r.result();
}
