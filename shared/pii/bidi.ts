// Numbers a browser shows in another order than they are written.
//
// The Unicode bidirectional algorithm (UAX #9) lays digits out by their neighbours: after a
// right-to-left mark, or a Hebrew or Arabic word, the groups of "0007 0343 1488 4539" are shown as
// "4539 1488 0343 0007", and a right-to-left override shows every character of a run reversed. The
// reading keeps the order of the source, so where it met a bidi control or a right-to-left letter,
// each run of letter and digit groups is also read in the two orders a browser may show it (groups
// reversed, characters reversed), split where a control stood, and looked at for the masked kinds.
// Hand-written rather than a full bidi implementation: only the order of digit groups matters
// here, and both possible orders are read, whatever the embedding levels turn out to be.
import type { Reading } from './as-read.js';

/** Runs of letter-and-digit groups joined by single spaces or dashes. */
const RUN = /[0-9A-Za-z]+(?:[ -][0-9A-Za-z]+)+/g;
const GROUP = /[0-9A-Za-z]+/g;

export interface Reordered {
  text: string;
  /** For each code unit of `text`, the index in the reading it was taken from. */
  at: Int32Array;
}

/** The reading's text in the orders a browser may show its runs in; [] when nothing can reorder it. */
export function displayOrders(reading: Reading): Reordered[] {
  if (!reading.rightToLeft && !reading.bidiMarks.length) return [];
  const text = reading.text;
  const byGroups = { text: '', at: new Int32Array(text.length) };
  const byChars = { text: '', at: new Int32Array(text.length) };
  const parts: [string[], string[]] = [[], []];
  let copied = 0;
  const copy = (until: number) => {
    for (const [k, o] of [byGroups, byChars].entries()) {
      parts[k as 0 | 1].push(text.slice(copied, until));
      for (let i = copied; i < until; i++) o.at[i] = i;
    }
    copied = until;
  };
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m; m = RUN.exec(text)) {
    // A bidi control inside a run starts a new one there.
    const cuts = [m.index, ...reading.bidiMarks.filter((b) => b > m!.index && b < m!.index + m![0].length), m.index + m[0].length];
    for (let c = 0; c + 1 < cuts.length; c++) {
      const s = cuts[c] as number;
      const e = cuts[c + 1] as number;
      copy(s);
      reverseGroups(text, s, e, byGroups.at, parts[0]);
      reverseChars(text, s, e, byChars.at, parts[1]);
      copied = e;
    }
  }
  copy(text.length);
  byGroups.text = parts[0].join('');
  byChars.text = parts[1].join('');
  return [byGroups, byChars];
}

function reverseGroups(text: string, s: number, e: number, at: Int32Array, out: string[]): void {
  const groups: [number, number][] = [];
  GROUP.lastIndex = s;
  for (let g = GROUP.exec(text); g && g.index < e; g = GROUP.exec(text)) groups.push([g.index, Math.min(e, g.index + g[0].length)]);
  // The groups come last first; the separators between them stay in their order.
  let p = s;
  const put = (from: number, to: number) => {
    out.push(text.slice(from, to));
    for (let i = from; i < to; i++) at[p++] = i;
  };
  put(s, groups[0]?.[0] ?? e);
  for (let k = groups.length - 1, j = 0; k >= 0; k--, j++) {
    const [gs, ge] = groups[k] as [number, number];
    put(gs, ge);
    if (j + 1 < groups.length) put((groups[j] as [number, number])[1], (groups[j + 1] as [number, number])[0]);
  }
  put(groups[groups.length - 1]?.[1] ?? e, e);
}

function reverseChars(text: string, s: number, e: number, at: Int32Array, out: string[]): void {
  for (let i = e - 1, p = s; i >= s; i--, p++) {
    at[p] = i;
    out.push(text[i] as string);
  }
}
