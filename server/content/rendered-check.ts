// The last check before a post is published: read the sanitized HTML exactly as a browser shows
// it and look for card numbers, SSNs and IBANs once more.
//
// The detector reads the Markdown source (shared/pii/as-read.ts) so that findings point into what
// the author typed; that reading is a model of markdown-it and the sanitizer and can be wrong in
// corners (HTML blocks, odd tag syntax, constructs no one has thought of yet). The sanitizer's
// output has no such corners: only the allowlisted tags, text escaped with exactly &amp; &lt; &gt;
// &quot; (sanitize-html re-escapes everything it decoded), attributes only on links. So a value
// found here is one the reading missed, and it is masked here, in the HTML readers get. Only the
// masked kinds are looked for: they are the promise ("never published raw"), and their scanners
// jump from digit to digit, so this costs little beside rendering.
//
// Table cells are read as separate lines here: a number across cells is the source reading's to
// judge (shared/pii/table-cells.ts), so tables of figures do not come back as findings.
import { detectPiiInShownText, findInDisplayOrder, type PiiFinding, type Reading, type PiiSeverity, type PiiType } from '../../shared/pii/index.js';
import { MASK_CHAR } from '../../shared/pii/mask.js';
import { fold } from '../../shared/pii/fold.js';
import { figureLike, isFigureText, readsAcrossCells } from '../../shared/pii/table-cells.js';
import { Reader, SEP_LINE, SEP_SPACE } from '../../shared/pii/reading-buffer.js';

const MASKED_KINDS: readonly PiiType[] = ['CREDIT_CARD', 'US_SSN', 'IBAN'];
const ESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };
const ESCAPE = /&(?:amp|lt|gt|quot);/y;
/** Text that reads as itself: copied in one step (words and single spaces). */
const TEXT_RUN = /(?:[^&<\s\u0080-\uffff]| (?=[^&<\s\u0080-\uffff]))+/y;
const TAG = /<(\/?)([a-z0-9]+)((?:\s[^>]*)?)>/y;
const LINK_ATTRIBUTE = /\s(href|title)="([^"]*)"/g;
const MENTION_LINK = /^ href="\/u\/[A-Za-z0-9_.-]{3,32}" class="mention"$/; // only a mention has these (./sanitize-options.ts)
const CELL_OR_BLOCK = new Set(['p', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr']);
const TABLE_PARTS = new Set(['table', 'thead', 'tbody', 'tr', 'td', 'th']);
// Every masked value has at least nine digits (an SSN), none further apart than a few characters
// (an IBAN's letters and spaces). Most posts show no such cluster, and then the exact reading below
// is skipped. Tags, invisible characters and runs of white space (a browser shows them as nothing
// or as one space) do not count as distance, so they cannot pull a value apart. One pass in
// JavaScript: two regular-expression replaces over the whole HTML cost more than the check.
const NON_ASCII_DIGIT = /\p{Nd}/u;
const GAP = 8;

function denseDigits(text: string, s: number, e: number, skipTags: boolean): boolean {
  let run = 0;
  let gap = 0;
  let white = false;
  for (let p = s; p < e; p++) {
    const c = text.charCodeAt(p);
    if (c >= 48 && c <= 57) {
      run = gap <= GAP ? run + 1 : 1;
      if (run >= 9) return true;
      gap = 0;
      white = false;
      continue;
    }
    if (skipTags && c === 60) {
      const close = text.indexOf('>', p);
      if (close === -1) return false;
      p = close;
      continue;
    }
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      if (!white) gap++;
      white = true;
      continue;
    }
    if (c > 127) {
      const ch = String.fromCharCode(c);
      if (NON_ASCII_DIGIT.test(ch)) {
        run = gap <= GAP ? run + 1 : 1;
        if (run >= 9) return true;
        gap = 0;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff) {
        const f = fold(text.codePointAt(p) as number); // a supplementary character: both halves at once
        p++;
        if (f === '') continue;
        if (f.length === 1 && f >= '0' && f <= '9') {
          run = gap <= GAP ? run + 1 : 1;
          if (run >= 9) return true;
          gap = 0;
          continue;
        }
      } else {
        const f = fold(c);
        if (f === '') continue;
        if (f === ' ') {
          // a no-break or other Unicode space: white space like any other
          if (!white) gap++;
          white = true;
          continue;
        }
      }
    }
    white = false;
    gap++;
  }
  return false;
}

function mayHoldValue(html: string): boolean {
  if (denseDigits(html, 0, html.length, true)) return true;
  LINK_ATTRIBUTE.lastIndex = 0;
  for (let a = LINK_ATTRIBUTE.exec(html); a; a = LINK_ATTRIBUTE.exec(html)) if (denseDigits(a[2] as string, 0, (a[2] as string).length, false)) return true;
  return false;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Reads `[s, e)` of sanitized HTML text: its four escapes decoded, characters folded. Outside
 * `<pre>` a browser shows any run of white space, line breaks included, as one space.
 */
function readText(r: Reader, html: string, s: number, e: number, pre = true): void {
  for (let p = s; p < e; ) {
    const c = html.charCodeAt(p);
    if (c !== 32 || !r.hasPendingSeparator) {
      TEXT_RUN.lastIndex = p;
      if (TEXT_RUN.test(html) && TEXT_RUN.lastIndex <= e) {
        r.run(p, TEXT_RUN.lastIndex);
        p = TEXT_RUN.lastIndex;
        continue;
      }
    }
    if (!pre && (c === 10 || c === 13 || c === 9 || c === 12)) {
      r.sep(SEP_SPACE, p, p + 1);
      p++;
      continue;
    }
    if (html.charCodeAt(p) === 38) {
      ESCAPE.lastIndex = p;
      const m = ESCAPE.exec(html);
      if (m) {
        r.char((ESCAPES[m[0]] as string).charCodeAt(0), p, p + m[0].length);
        p += m[0].length;
        continue;
      }
    }
    const cp = html.codePointAt(p) as number;
    const w = cp > 0xffff ? 2 : 1;
    r.char(cp, p, p + w);
    p += w;
  }
}

/** The text of sanitized HTML as shown, and the link targets and titles (shown on hover) apart. */
/** A table row of the rendered HTML: its cells' stretches of the reading. */
type Row = Span[];

function readHtml(html: string): { main: Reader; attributes: Span[]; rows: Row[] } {
  const r = new Reader(html, true);
  const attributes: Span[] = [];
  const rows: Row[] = [];
  let text = 0;
  let pre = 0;
  let table = 0;
  let inCell = false;
  for (let p = html.indexOf('<'); p !== -1; p = html.indexOf('<', p)) {
    readText(r, html, text, p, pre > 0);
    TAG.lastIndex = p;
    const m = TAG.exec(html);
    if (!m) {
      p++;
      continue; // cannot happen in sanitize-html's output; read the `<` as text
    }
    const name = m[2] as string;
    const closing = !!m[1];
    if (name === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (name === 'table') table = Math.max(0, table + (closing ? -1 : 1));
    // Outside a table a browser ignores row and cell tags, and text inside a table but outside its
    // cells is moved in front of it, beside what precedes it: neither is a break. The table's end is.
    if (name === 'br') r.sep(SEP_SPACE, p, p);
    else if (TABLE_PARTS.has(name)) {
      // Cells of one row read side by side, as the source reading reads a Markdown row; whether a
      // number across them counts is decided below, by the same rule (shared/pii/table-cells.ts).
      const cell = name === 'td' || name === 'th';
      if (table > 0 && cell) {
        r.sep(SEP_SPACE, p, p);
        const row = rows[rows.length - 1];
        if (!closing && row) row.push({ start: r.length, end: r.length });
        else if (closing && row?.length) (row[row.length - 1] as Span).end = r.length;
      } else if (table > 0 && name === 'tr') {
        r.sep(SEP_LINE, p, p);
        if (!closing) rows.push([]);
      } else if (table > 0 && name !== 'table') r.sep(SEP_LINE, p, p);
      else if (name === 'table' && closing) r.sep(SEP_LINE, p, p);
    } else if (CELL_OR_BLOCK.has(name)) r.sep(inCell ? SEP_SPACE : SEP_LINE, p, p); // blocks in a cell stay in its column
    if (table > 0 && (name === 'td' || name === 'th')) inCell = !closing;
    // A mention's href is the member's username (not personal data), shown as the link's text anyway.
    if (name === 'a' && m[3] && !MENTION_LINK.test(m[3])) {
      LINK_ATTRIBUTE.lastIndex = 0;
      for (let a = LINK_ATTRIBUTE.exec(m[3]); a; a = LINK_ATTRIBUTE.exec(m[3])) {
        // m[3] starts after `<`, the optional `/` and the name; the value ends before its closing quote.
        const start = p + 1 + (m[1] as string).length + name.length + a.index + a[0].length - (a[2] as string).length - 1;
        attributes.push({ start, end: start + (a[2] as string).length });
      }
    }
    p = TAG.lastIndex;
    text = p;
  }
  readText(r, html, text, html.length, pre > 0);
  return { main: r, attributes, rows };
}

/**
 * A number across the cells of a rendered table row counts as the source reading counts one across
 * a Markdown row: only for the masked kinds, and not when the cells beside it, or the same columns
 * of the row above or below, are figures that are not such a value themselves (a table of figures).
 */
function standsAloneInTable(text: string, f: PiiFinding, rows: readonly Row[], only: Partial<Record<PiiType, PiiSeverity>>): boolean {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const first = row.findIndex((c) => c.end > f.start);
    if (first === -1 || (row[first] as Span).start >= f.end) continue;
    let last = first;
    while (last + 1 < row.length && (row[last + 1] as Span).start < f.end) last++;
    if (last === first) return true; // inside one cell
    if (!readsAcrossCells(f.type)) return false;
    const cellText = (c: Span | undefined) => (c ? text.slice(c.start, c.end).trim() : '');
    if (figureLike(cellText(row[first - 1]), cellText(row[first])) || figureLike(cellText(row[last + 1]), cellText(row[last]))) return false;
    for (const other of [rows[r - 1], rows[r + 1]]) {
      if (!other) continue;
      const cells = other.slice(first, last + 1).map(cellText);
      if (cells.length < last - first + 1 || !cells.every(isFigureText)) continue;
      if (!detectPiiInShownText(cells.join(' '), { ...only, ...offExcept(f.type) }).length) return false;
    }
    return true;
  }
  return true;
}

const offExcept = (type: PiiType): Partial<Record<PiiType, PiiSeverity>> =>
  Object.fromEntries(MASKED_KINDS.filter((t) => t !== type).map((t) => [t, 'off']));

export interface RenderedCheck {
  /** The HTML with every masked kind found in it masked (all but the last four characters). */
  html: string;
  /** What was found only here, with `start`/`end` into the HTML and the value as read. */
  found: (PiiFinding & { value: string })[];
}

/** Masked kinds that sanitized post HTML still shows; masks them in the HTML. */
export function checkRendered(html: string, severities: Record<PiiType, PiiSeverity>): RenderedCheck {
  if (!mayHoldValue(html)) return { html, found: [] };
  const only: Partial<Record<PiiType, PiiSeverity>> = {};
  for (const t of Object.keys(severities) as PiiType[]) only[t] = MASKED_KINDS.includes(t) && severities[t] !== 'off' && severities[t] !== 'warn' ? severities[t] : 'off';
  if (!MASKED_KINDS.some((t) => only[t] !== 'off')) return { html, found: [] };

  const { main, attributes, rows } = readHtml(html);
  const reading = main.result();
  const found: RenderedCheck['found'] = [];
  const hide: Span[] = [];
  const add = (f: PiiFinding, text: string, from: ArrayLike<number>, to: ArrayLike<number>) => {
    found.push({ ...f, start: from[f.start] as number, end: to[f.end - 1] as number, value: text.slice(f.start, f.end) });
    // Every character of the value but the last four that are not separators.
    const kept: number[] = [];
    for (let i = f.end - 1; i >= f.start && kept.length < 4; i--) if (/[0-9A-Za-z]/.test(text[i] as string)) kept.push(i);
    for (let i = f.start; i < f.end; i++) if (!kept.includes(i) && /[0-9A-Za-z]/.test(text[i] as string)) hide.push({ start: from[i] as number, end: to[i] as number });
  };
  const take = (text: string, from: ArrayLike<number>, to: ArrayLike<number>) => {
    for (const f of detectPiiInShownText(text, only)) add(f, text, from, to);
  };
  for (const f of detectPiiInShownText(reading.text, only)) if (standsAloneInTable(reading.text, f, rows, only)) add(f, reading.text, reading.from, reading.to);
  for (const f of findInDisplayOrder(reading, only)) add(f, reading.text, reading.from, reading.to);
  for (const a of attributes) {
    const r = new Reader(html, false, a.end - a.start + 16);
    readText(r, html, a.start, a.end);
    const ar = r.result();
    take(ar.text, ar.from, ar.to);
  }
  if (!found.length) return { html, found };
  const mask = new Uint8Array(html.length);
  for (const h of hide) mask.fill(1, h.start, h.end);
  let out = '';
  for (let p = 0; p < html.length; p++) out += mask[p] ? MASK_CHAR : html[p];
  return { html: out, found };
}

/**
 * Where in the source a value found only in the rendered HTML was probably written: the shortest
 * stretch of the source's reading holding the value's letters and digits in order. Null when none
 * is found within a fixed amount of work (then the finding covers the whole text, and only the
 * HTML is masked): a post holding hundreds of such values must not hold the process up.
 */
export function sourceSpanOf(reading: Reading, value: string): Span | null {
  const want = value.replace(/[^0-9A-Za-z]/g, '');
  if (!want) return null;
  const text = reading.text;
  let best: Span | null = null;
  let budget = 50_000;
  for (let s = text.indexOf(want[0] as string); s !== -1 && budget > 0; s = text.indexOf(want[0] as string, s + 1)) {
    let k = 0;
    let e = s;
    const limit = Math.min(text.length, s + 512, s + budget); // a value spread wider than this is not one value
    for (; e < limit && k < want.length; e++) if (text[e] === want[k]) k++;
    budget -= e - s;
    if (k === want.length && (!best || e - s < best.end - best.start)) best = { start: s, end: e };
  }
  return best && { start: reading.from[best.start] as number, end: reading.to[best.end - 1] as number };
}
