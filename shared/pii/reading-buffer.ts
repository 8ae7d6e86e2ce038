// The text a reader sees, built up with the source range of each of its code units (see
// ./as-read.ts, which decides what reads how). Typed arrays and whole runs copied at once, because
// this runs over every post and most of a post reads as itself.
import type { Reading } from './as-read.js';
import { fold } from './fold.js';

/** Marks, embeddings, overrides and isolates (UAX #9): invisible, yet they reorder what follows. */
const isBidiControl = (cp: number): boolean =>
  cp === 0x200e || cp === 0x200f || cp === 0x061c || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

export const SEP_SPACE = 32;
export const SEP_LINE = 10;

export class Reader {
  private parts: string[] = [];
  private n = 0;
  // Most readings are no longer than their source: one allocation each, grown only past that.
  from: Int32Array;
  to: Int32Array;
  hidesText = false;
  /** Whether a character read differently from how it is written (a reference decoded, a character folded or dropped). */
  folded = false;
  pipes: number[] = [];
  hidden: number[] = [];
  apart: number[] = [];
  /** Where in the reading a bidi control was (it reads as nothing, but reorders what follows). */
  bidiMarks: number[] = [];
  /** Whether a right-to-left letter was read (digits beside one are shown in another order). */
  rightToLeft = false;
  /** A separator not yet written: a run of them reads as one (markdown only); 0 when none. */
  private pending = 0;
  private pendingFrom = 0;
  private pendingTo = 0;

  /** `capacity`: how long the reading is expected to be (the source's length unless told). */
  constructor(private src: string, private collapse: boolean, capacity = src.length + 16) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
  }

  private room(k: number): void {
    if (this.n + k <= this.from.length) return;
    const size = Math.max(this.from.length * 2, this.n + k);
    const from = new Int32Array(size);
    const to = new Int32Array(size);
    from.set(this.from.subarray(0, this.n));
    to.set(this.to.subarray(0, this.n));
    this.from = from;
    this.to = to;
  }

  private flush(): void {
    if (!this.pending) return;
    const kind = this.pending;
    this.pending = 0;
    this.add(kind, this.pendingFrom, this.pendingTo);
  }

  private add(code: number, s: number, e: number): void {
    this.room(1);
    this.parts.push(String.fromCharCode(code));
    this.from[this.n] = s;
    this.to[this.n] = e;
    this.n++;
  }

  /** Length of the reading so far, a separator still to be written included. */
  get length(): number {
    return this.n + (this.pending ? 1 : 0);
  }

  get hasPendingSeparator(): boolean {
    return this.pending !== 0;
  }

  push(code: number, s: number, e: number): void {
    this.flush();
    this.add(code, s, e);
  }

  /** Source `[s, e)`, which reads as itself. */
  run(s: number, e: number): void {
    this.flush();
    this.room(e - s);
    this.parts.push(this.src.slice(s, e));
    for (let p = s; p < e; p++, this.n++) {
      this.from[this.n] = p;
      this.to[this.n] = p + 1;
    }
  }

  /**
   * A separator: a space, or a line break (a new block). In Markdown a run of them reads as one,
   * and a line break outranks a space it is joined to; plain text keeps every one.
   */
  sep(kind: number, s: number, e: number): void {
    if (!this.collapse) return this.push(kind, s, e);
    if (this.pending) {
      if (kind === SEP_LINE) this.pending = SEP_LINE;
      this.pendingTo = e;
      return;
    }
    this.pending = kind;
    this.pendingFrom = s;
    this.pendingTo = e;
  }

  /** One source code point (or a decoded character standing for `[s, e)`). */
  char(cp: number, s: number, e: number): void {
    if (cp < 128) {
      if (cp === 32 || cp === 9 || cp === 12 || cp === 11) return this.sep(SEP_SPACE, s, e);
      if (cp === 10 || cp === 13) return this.sep(SEP_LINE, s, e);
      return this.push(cp, s, e);
    }
    const r = fold(cp);
    if (r.length !== 1 || r.charCodeAt(0) !== cp) this.folded = true;
    if (isBidiControl(cp)) this.bidiMarks.push(this.n + (this.pending ? 1 : 0));
    else if (!this.rightToLeft && r === String.fromCodePoint(cp) && RIGHT_TO_LEFT.test(r)) this.rightToLeft = true;
    if (r === ' ') return this.sep(SEP_SPACE, s, e);
    for (let k = 0; k < r.length; k++) this.push(r.charCodeAt(k), s, e);
  }

  result(): Reading {
    this.flush();
    const text = this.parts.join('');
    const from = this.from.subarray(0, this.n);
    const to = this.to.subarray(0, this.n);
    let identity = text === this.src; // only a reading of the whole source can be its identity
    for (let i = 0; identity && i < this.n; i++) identity = from[i] === i && to[i] === i + 1;
    return { text, from, to, identity, hidesText: this.hidesText, pipes: this.pipes, hidden: this.hidden, apart: this.apart, folded: this.folded, bidiMarks: this.bidiMarks, rightToLeft: this.rightToLeft };
  }
}
