// Numbers spread over the cells of a Markdown table row.
//
// A reader sees the cells of one row side by side, so a card number split over four cells is a card
// number: the reading (./as-read.ts) joins cells with spaces. But tables of figures join the same
// way, and a row of four-digit figures holds a Luhn-valid number with an issuer's prefix about once
// in thirty. So a finding that crosses a cell boundary counts only when it reads as one value of
// its own row and not as a run of a table of figures:
// - only the kinds that are masked (cards, SSNs, IBANs): a phone number is published as written
//   anyway, and rows of 3-3-4 digit figures read as North American numbers nearly half the time;
// - the cells right before and after it in the row are not figures (a label, or nothing);
// - the rows right above and below it do not hold figures in the same columns.
// Hand-written: Markdown table cells are pipes on a line, which no library maps back to offsets.
import type { PiiFinding, PiiType } from './types.js';

const ACROSS_CELLS: ReadonlySet<PiiType> = new Set<PiiType>(['CREDIT_CARD', 'US_SSN', 'IBAN']);
/** A cell that holds only a figure: digits of any script with the signs and separators of amounts and dates. */
const FIGURE = /^[\s\p{Nd}.,:;%+\-–—/()$€£¥*_~`]*\p{Nd}[\s\p{Nd}.,:;%+\-–—/()$€£¥*_~`a-zA-Z]{0,3}$/u;
const DELIMITER_ROW = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

interface Row {
  /** Source offsets of each cell's text, between its pipes. */
  cells: { start: number; end: number }[];
}

function lineAround(text: string, at: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  return { start, end: nl === -1 ? text.length : nl };
}

/** The cells of the table row on the line `[start, end)`, or null when it is not a table row. */
function rowOf(text: string, start: number, end: number): Row | null {
  const line = text.slice(start, end);
  if (!line.includes('|') || DELIMITER_ROW.test(line)) return null;
  const cells: Row['cells'] = [];
  let cellStart = start;
  for (let p = start; p <= end; p++) {
    const c = p < end ? text.charCodeAt(p) : 124;
    if (c === 92 /* \ */) {
      p++; // an escaped pipe belongs to the cell
      continue;
    }
    if (c !== 124) continue;
    cells.push({ start: cellStart, end: p });
    cellStart = p + 1;
  }
  // Leading and trailing pipes leave an empty cell outside the table.
  if (cells.length && !text.slice(cells[0]!.start, cells[0]!.end).trim()) cells.shift();
  if (cells.length && !text.slice(cells[cells.length - 1]!.start, cells[cells.length - 1]!.end).trim()) cells.pop();
  return cells.length >= 2 ? { cells } : null;
}

const isFigure = (text: string, cell: { start: number; end: number } | undefined): boolean =>
  !!cell && FIGURE.test(text.slice(cell.start, cell.end));

/** Whether a table cell's text is a figure (an amount, a date, a count) rather than words. */
export const isFigureText = (text: string): boolean => FIGURE.test(text);

const digitCount = (text: string): number => (text.match(/\p{Nd}/gu) ?? []).length;


/**
 * Whether the cell beside a value is a figure of the same kind as the value's own cells (a year or
 * a total beside quarterly figures): then the row is a run of figures. A row number, an expiry
 * date or a CVV beside a card number is not, and does not excuse it.
 */
export function figureLike(neighbour: string, inner: string): boolean {
  if (!/^\p{Nd}+$/u.test(neighbour)) return false; // a bare number, like the groups themselves
  const n = neighbour.length;
  return n >= digitCount(inner) && n >= 4;
}
export const readsAcrossCells = (type: PiiType): boolean => ACROSS_CELLS.has(type);

/** The neighbouring row (-1 above, +1 below) of the line `[start, end)`, skipping the delimiter row. */
function neighbourRow(text: string, line: { start: number; end: number }, dir: -1 | 1): Row | null {
  for (let hops = 0, cur = line; hops < 2; hops++) {
    if (dir < 0 ? cur.start === 0 : cur.end >= text.length) return null;
    cur = dir < 0 ? lineAround(text, cur.start - 1) : lineAround(text, cur.end + 1);
    const l = text.slice(cur.start, cur.end);
    if (DELIMITER_ROW.test(l) && l.includes('-')) continue;
    return rowOf(text, cur.start, cur.end);
  }
  return null;
}

/**
 * Whether the line `[start, end)` is a row of a GFM table: a delimiter row among the `|` lines
 * around it. The answer holds for the whole block of `|` lines, so it is kept for each of them in
 * `known` (one walk per block, not one per finding).
 */
function inTable(text: string, line: { start: number; end: number }, known: Map<number, boolean>): boolean {
  const cached = known.get(line.start);
  if (cached !== undefined) return cached;
  const block: number[] = [];
  let found = false;
  for (const dir of [-1, 1] as const) {
    let cur = line;
    for (;;) {
      const l = text.slice(cur.start, cur.end);
      if (!l.includes('|')) break;
      block.push(cur.start);
      if (DELIMITER_ROW.test(l) && l.includes('-')) found = true;
      if (dir < 0 ? cur.start === 0 : cur.end >= text.length) break;
      cur = dir < 0 ? lineAround(text, cur.start - 1) : lineAround(text, cur.end + 1);
    }
  }
  for (const start of block) known.set(start, found);
  return found;
}

/** Whether a pipe of `pipes` (ascending) lies inside the finding. */
function crossesPipe(pipes: readonly number[], f: PiiFinding): boolean {
  let lo = 0;
  let hi = pipes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((pipes[mid] as number) < f.start) lo = mid + 1;
    else hi = mid;
  }
  return lo < pipes.length && (pipes[lo] as number) < f.end;
}

/**
 * Whether a finding in Markdown `text` is a value of its own, not a run across a table of figures.
 * `pipes` are the `|` the reading took for cell gaps (never one inside a tag's attribute).
 * `isValue` says whether a text holds a value of the finding's kind: a row below or above whose
 * cells in the same columns hold one too is a table of such values (a list of cards), not of figures.
 */
export function standsAlone(text: string, f: PiiFinding, pipes: readonly number[], isValue: (text: string) => boolean, tables: Map<number, boolean>): boolean {
  if (!crossesPipe(pipes, f)) return true; // within one cell, or no table at all
  const line = lineAround(text, f.start);
  if (f.end > line.end || !inTable(text, line, tables)) return true;
  const row = rowOf(text, line.start, line.end);
  if (!row) return true;
  if (!ACROSS_CELLS.has(f.type)) return false;
  const first = row.cells.findIndex((c) => c.end > f.start);
  let last = first;
  while (last + 1 < row.cells.length && row.cells[last + 1]!.start < f.end) last++;
  const cellText = (c: { start: number; end: number } | undefined) => (c ? text.slice(c.start, c.end).trim() : '');
  if (figureLike(cellText(row.cells[first - 1]), cellText(row.cells[first])) || figureLike(cellText(row.cells[last + 1]), cellText(row.cells[last]))) return false;
  for (const dir of [-1, 1] as const) {
    const other = neighbourRow(text, line, dir);
    if (!other) continue;
    let figures = 0;
    for (let k = first; k <= last; k++) if (isFigure(text, other.cells[k])) figures++;
    if (figures < last - first + 1) continue;
    const joined = other.cells.slice(first, last + 1).map((c) => text.slice(c.start, c.end).trim()).join(' ');
    if (!isValue(joined)) return false;
  }
  return true;
}
