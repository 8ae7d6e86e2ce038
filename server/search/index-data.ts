// The search index's data: per post version a slot (its fields, its words), per word its posting
// list (slots ascending, with weights), the dictionary of words (a radix tree, for prefixes), and
// the compact snapshot format. The queries over it are engine.ts's.
import SearchableMap from 'minisearch/SearchableMap';
import { foldedWords } from './text.js';
import { decodePostings, encodePostings } from './postings.js';
import type { IndexedPost } from './engine.js';

/** A word of a thread's title counts this many times a word of a post's text. */
export const TITLE_BOOST = 3;
export const STATES = ['visible', 'held', 'removed'] as const;

export class IndexData {
  // Per slot (one per version of a post; a re-indexed post gets a new slot, the old one dies).
  ids: (string | null)[] = [];
  threadId: string[] = [];
  forumId: string[] = [];
  authorId: (string | null)[] = [];
  status: number[] = [];
  threadState: number[] = [];
  first: boolean[] = [];
  createdAt: number[] = [];
  len: number[] = [];
  slotTerms: (number[] | null)[] = [];
  slotOf = new Map<string, number>();
  // Per word: its id in the dictionary (a radix tree, for prefixes), its slots ascending, its weights.
  dictionary = new SearchableMap<number>();
  termText: string[] = [];
  docs: number[][] = [];
  weights: number[][] = [];
  freeTerms: number[] = [];
  alive = 0;
  totalLen = 0;

  get size(): number {
    return this.alive;
  }

  /** Adds the post, or replaces what was indexed of it. */
  upsert(doc: IndexedPost): void {
    this.discard(doc.id);
    const counts = new Map<string, number>();
    for (const w of foldedWords(doc.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (doc.title) for (const w of foldedWords(doc.title)) counts.set(w, (counts.get(w) ?? 0) + TITLE_BOOST);
    const slot = this.ids.length;
    const terms: number[] = [];
    let len = 0;
    for (const [word, weight] of counts) {
      const t = this.termFor(word);
      this.docs[t]!.push(slot);
      this.weights[t]!.push(weight);
      terms.push(t);
      len += weight;
    }
    this.ids.push(doc.id);
    this.threadId.push(doc.threadId);
    this.forumId.push(doc.forumId);
    this.authorId.push(doc.authorId);
    this.status.push(STATES.indexOf(doc.status));
    this.threadState.push(STATES.indexOf(doc.threadState));
    this.first.push(doc.first);
    this.createdAt.push(doc.createdAt);
    this.len.push(len);
    this.slotTerms.push(terms);
    this.slotOf.set(doc.id, slot);
    this.alive++;
    this.totalLen += len;
  }

  /** Takes the post out, its words with it. */
  discard(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const t of this.slotTerms[slot]!) {
      const docs = this.docs[t]!;
      const i = indexOf(docs, slot);
      docs.splice(i, 1);
      this.weights[t]!.splice(i, 1);
      if (docs.length === 0) this.freeTerm(t);
    }
    this.slotOf.delete(id);
    this.ids[slot] = null;
    this.slotTerms[slot] = null;
    this.threadId[slot] = this.forumId[slot] = '';
    this.authorId[slot] = null;
    this.alive--;
    this.totalLen -= this.len[slot]!;
  }

  termFor(word: string): number {
    let t = this.dictionary.get(word);
    if (t !== undefined) return t;
    t = this.freeTerms.pop() ?? this.termText.length;
    this.termText[t] = word;
    this.docs[t] = [];
    this.weights[t] = [];
    this.dictionary.set(word, t);
    return t;
  }

  private freeTerm(t: number): void {
    this.dictionary.delete(this.termText[t]!);
    this.termText[t] = '';
    this.freeTerms.push(t);
  }

  /** The live posts only, numbered afresh: dead slots do not travel. */
  toJSON(): string {
    const live: number[] = [];
    for (let s = 0; s < this.ids.length; s++) if (this.ids[s] !== null) live.push(s);
    const renumber = new Map(live.map((s, i) => [s, i]));
    const dict = <T>(values: T[]) => {
      const list: T[] = [];
      const index = new Map<T, number>();
      const codes = live.map((s) => {
        let c = index.get(values[s]!);
        if (c === undefined) index.set(values[s]!, (c = list.push(values[s]!) - 1));
        return c;
      });
      return { list, codes };
    };
    const terms: [string, string][] = [];
    this.termText.forEach((word, t) => {
      if (word) terms.push([word, encodePostings(this.docs[t]!.map((s) => renumber.get(s)!), this.weights[t]!)]);
    });
    return JSON.stringify({
      v: 2, ids: live.map((s) => this.ids[s]), thread: dict(this.threadId), forum: dict(this.forumId), author: dict(this.authorId),
      status: live.map((s) => this.status[s]), threadState: live.map((s) => this.threadState[s]), first: live.map((s) => (this.first[s] ? 1 : 0)),
      createdAt: live.map((s) => this.createdAt[s]), len: live.map((s) => this.len[s]), terms,
    });
  }

  /** From `toJSON()`'s output. */
  static load(json: string): IndexData {
    const d = JSON.parse(json) as {
      v: number; ids: string[]; thread: Dict<string>; forum: Dict<string>; author: Dict<string | null>;
      status: number[]; threadState: number[]; first: number[]; createdAt: number[]; len: number[]; terms: [string, string][];
    };
    if (d.v !== 2) throw new Error(`search snapshot version ${d.v} is not this engine's (2)`);
    const e = new IndexData();
    e.ids = d.ids;
    e.threadId = d.thread.codes.map((c) => d.thread.list[c]!);
    e.forumId = d.forum.codes.map((c) => d.forum.list[c]!);
    e.authorId = d.author.codes.map((c) => d.author.list[c]!);
    e.status = d.status;
    e.threadState = d.threadState;
    e.first = d.first.map((f) => f === 1);
    e.createdAt = d.createdAt;
    e.len = d.len;
    e.slotTerms = d.ids.map(() => []);
    d.ids.forEach((id, s) => e.slotOf.set(id, s));
    e.alive = d.ids.length;
    e.totalLen = d.len.reduce((a, b) => a + b, 0);
    d.terms.forEach(([word, encoded], t) => {
      const { slots, weights } = decodePostings(encoded);
      e.termText[t] = word;
      e.docs[t] = slots;
      e.weights[t] = weights;
      e.dictionary.set(word, t);
      for (const s of slots) e.slotTerms[s]!.push(t);
    });
    return e;
  }
}

interface Dict<T> { list: T[]; codes: number[] }

/** Where `slot` is in an ascending list (binary search). */
function indexOf(sorted: number[], slot: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < slot) lo = mid + 1;
    else if (sorted[mid]! > slot) hi = mid - 1;
    else return mid;
  }
  throw new Error('search index: a slot is missing from one of its words');
}
