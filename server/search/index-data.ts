// The search index's data: per post version a slot (its fields, its words), per word its posting
// list (slots ascending, with weights) in typed arrays that grow by doubling, the dictionary of
// words (a radix tree, for prefixes), and the compact snapshot format. The queries are engine.ts's.
import SearchableMap from 'minisearch/SearchableMap';
import { eachWord, fold } from './text.js';
import { countPostings, decodePostingsInto, encodePostings } from './postings.js';
import type { IndexedPost } from './engine.js';

/** A word of a thread's title counts this many times a word of a post's text. */
export const TITLE_BOOST = 3;
export const STATES = ['visible', 'held', 'removed'] as const;
/** A word's weight in one post is kept in a byte: BM25 saturates long before 255. */
const MAX_WEIGHT = 255;

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
  slotOf = new Map<string, number>();
  // A slot's words: for slots loaded from a snapshot, one flat array cut by `loadedStart` (built
  // in two passes over the postings, far faster than an array per slot); later slots, their own.
  private loadedTerms = new Int32Array(0);
  private loadedStart = new Int32Array(1);
  private laterTerms: (number[] | null)[] = [];
  // Per word: its id (a hash map for lookups; the radix tree only for prefixes), its posting list
  // (slots ascending), weights and length.
  termIds = new Map<string, number>();
  dictionary = new SearchableMap<number>();
  termText: string[] = [];
  docs: Int32Array[] = [];
  weights: Uint8Array[] = [];
  count: number[] = [];
  private freeTerms: number[] = [];
  /** upsert's word weights by term id, all zero between calls. */
  private scratch = new Int32Array(1024);
  alive = 0;
  totalLen = 0;

  /** Adds the post, or replaces what was indexed of it. */
  upsert(doc: IndexedPost): void {
    this.discard(doc.id);
    // Each word's weight counted by its id in a scratch array (zeroed again below), not in a Map
    // of words per post: one dictionary lookup per word, the rest typed-array arithmetic. Every
    // post a process writes is indexed as its request answers (the search follower's share of a
    // post's cost, issue 18).
    const terms: number[] = [];
    const count = (text: string, weight: number) => {
      eachWord(text, (start, end, ascii) => {
        const word = ascii ? text.slice(start, end).toLowerCase() : fold(text.slice(start, end)); // fold's own ASCII path, known here
        if (word.length === 0) return;
        const t = this.termFor(word);
        if (this.scratch.length <= t) this.growScratch();
        if (this.scratch[t] === 0) terms.push(t);
        this.scratch[t] = this.scratch[t]! + weight;
      });
    };
    count(doc.text, 1);
    if (doc.title) count(doc.title, TITLE_BOOST);
    const slot = this.ids.length;
    let len = 0;
    for (const t of terms) {
      const weight = this.scratch[t]!;
      this.scratch[t] = 0;
      this.append(t, slot, Math.min(weight, MAX_WEIGHT));
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
    this.laterTerms[slot - (this.loadedStart.length - 1)] = terms;
    this.slotOf.set(doc.id, slot);
    this.alive++;
    this.totalLen += len;
  }

  /** Takes the post out, its words with it. */
  discard(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    for (const t of this.termsOf(slot)) {
      const n = this.count[t]!;
      const docs = this.docs[t]!;
      const i = indexOf(docs, n, slot);
      docs.copyWithin(i, i + 1, n);
      this.weights[t]!.copyWithin(i, i + 1, n);
      this.count[t] = n - 1;
      if (n === 1) this.freeTerm(t);
    }
    const loaded = this.loadedStart.length - 1;
    if (slot >= loaded) this.laterTerms[slot - loaded] = null;
    this.slotOf.delete(id);
    this.ids[slot] = null;
    this.threadId[slot] = this.forumId[slot] = '';
    this.authorId[slot] = null;
    this.alive--;
    this.totalLen -= this.len[slot]!;
  }

  /** How many distinct words the slot's post has (what hasAnyTerm reads at most). */
  termCount(slot: number): number {
    const loaded = this.loadedStart.length - 1;
    if (slot >= loaded) return this.laterTerms[slot - loaded]?.length ?? 0;
    return this.loadedStart[slot + 1]! - this.loadedStart[slot]!;
  }

  /** Whether the slot's post has any of the words marked (by id) in `mask`; in place, no view made. */
  hasAnyTerm(slot: number, mask: Uint8Array): boolean {
    const loaded = this.loadedStart.length - 1;
    if (slot >= loaded) {
      const own = this.laterTerms[slot - loaded] ?? [];
      for (let i = 0; i < own.length; i++) if (mask[own[i]!] === 1) return true;
      return false;
    }
    const terms = this.loadedTerms;
    for (let i = this.loadedStart[slot]!, end = this.loadedStart[slot + 1]!; i < end; i++) if (mask[terms[i]!] === 1) return true;
    return false;
  }

  private termsOf(slot: number): Iterable<number> {
    const loaded = this.loadedStart.length - 1;
    if (slot >= loaded) return this.laterTerms[slot - loaded] ?? [];
    return this.loadedTerms.subarray(this.loadedStart[slot]!, this.loadedStart[slot + 1]!);
  }

  private append(t: number, slot: number, weight: number): void {
    const n = this.count[t]!;
    if (n === this.docs[t]!.length) {
      const docs = new Int32Array(Math.max(4, n * 2));
      docs.set(this.docs[t]!);
      this.docs[t] = docs;
      const weights = new Uint8Array(docs.length);
      weights.set(this.weights[t]!);
      this.weights[t] = weights;
    }
    this.docs[t]![n] = slot;
    this.weights[t]![n] = weight;
    this.count[t] = n + 1;
  }

  private growScratch(): void {
    const bigger = new Int32Array(Math.max(1024, this.termText.length * 2));
    bigger.set(this.scratch);
    this.scratch = bigger;
  }

  private termFor(word: string): number {
    let t = this.termIds.get(word);
    if (t !== undefined) return t;
    t = this.freeTerms.pop() ?? this.termText.length;
    this.termText[t] = word;
    this.docs[t] = new Int32Array(4);
    this.weights[t] = new Uint8Array(4);
    this.count[t] = 0;
    this.termIds.set(word, t);
    this.dictionary.set(word, t);
    return t;
  }

  private freeTerm(t: number): void {
    this.termIds.delete(this.termText[t]!);
    this.dictionary.delete(this.termText[t]!);
    this.termText[t] = '';
    this.docs[t] = new Int32Array(0);
    this.weights[t] = new Uint8Array(0);
    this.freeTerms.push(t);
  }

  /** The live posts only, numbered afresh: dead slots do not travel. */
  toJSON(): string {
    const live: number[] = [];
    const renumber = new Int32Array(this.ids.length).fill(-1);
    for (let s = 0; s < this.ids.length; s++) if (this.ids[s] !== null) renumber[s] = live.push(s) - 1;
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
      if (!word) return;
      const n = this.count[t]!;
      const slots = new Int32Array(n);
      for (let i = 0; i < n; i++) slots[i] = renumber[this.docs[t]![i]!]!;
      terms.push([word, encodePostings(slots, this.weights[t]!.subarray(0, n))]);
    });
    return JSON.stringify({
      v: 3, ids: live.map((s) => this.ids[s]), thread: dict(this.threadId), forum: dict(this.forumId), author: dict(this.authorId),
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
    if (d.v !== 3) throw new Error(`search snapshot version ${d.v} is not this engine's (3)`);
    const e = new IndexData();
    const slots = d.ids.length;
    e.ids = d.ids;
    e.threadId = d.thread.codes.map((c) => d.thread.list[c]!);
    e.forumId = d.forum.codes.map((c) => d.forum.list[c]!);
    e.authorId = d.author.codes.map((c) => d.author.list[c]!);
    e.status = d.status;
    e.threadState = d.threadState;
    e.first = d.first.map((f) => f === 1);
    e.createdAt = d.createdAt;
    e.len = d.len;
    d.ids.forEach((id, s) => e.slotOf.set(id, s));
    e.alive = slots;
    e.totalLen = d.len.reduce((a, b) => a + b, 0);
    // Postings, then their transpose (each slot's words) in two passes: count, then fill.
    const perSlot = new Int32Array(slots + 1);
    d.terms.forEach(([word, encoded], t) => {
      const bytes = Buffer.from(encoded, 'base64');
      const n = countPostings(bytes);
      e.docs[t] = new Int32Array(n);
      e.weights[t] = new Uint8Array(n);
      decodePostingsInto(bytes, e.docs[t]!, e.weights[t]!);
      e.count[t] = n;
      e.termText[t] = word;
      e.termIds.set(word, t);
      e.dictionary.set(word, t);
      for (let i = 0; i < n; i++) perSlot[e.docs[t]![i]! + 1]!++;
    });
    for (let s = 0; s < slots; s++) perSlot[s + 1]! += perSlot[s]!;
    const fill = perSlot.slice(0, slots);
    e.loadedTerms = new Int32Array(perSlot[slots]!);
    e.docs.forEach((docs, t) => {
      for (let i = 0; i < e.count[t]!; i++) e.loadedTerms[fill[docs[i]!]!++] = t;
    });
    e.loadedStart = perSlot;
    return e;
  }
}

interface Dict<T> { list: T[]; codes: number[] }

/** Where `slot` is among the first `n` of an ascending list (binary search). */
function indexOf(sorted: Int32Array, n: number, slot: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < slot) lo = mid + 1;
    else if (sorted[mid]! > slot) hi = mid - 1;
    else return mid;
  }
  throw new Error('search index: a slot is missing from one of its words');
}
