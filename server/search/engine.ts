// The in-process full-text index (recall only: every candidate is checked against the store before
// anyone sees it).
//
// By hand, on MiniSearch's radix tree: MiniSearch itself scores and builds an object for every
// matching post and cannot stop at the best few, so a common word at 100,000 posts cost it hundreds
// of milliseconds (npm run bench -- search), its snapshot was 58 MB of JSON, and a discard left the
// words behind until a vacuum. Here each word's posting list is a plain array of document slots in
// the order posts were indexed; a query walks the rarest words' lists first within a fixed budget,
// scores with BM25 into typed arrays and keeps only the best k; a removal takes the post's words
// out at once (each slot remembers its words); the snapshot is compact varints.
import type { ParsedQuery } from './text.js';
import { TopK } from './postings.js';
import { IndexData, STATES } from './index-data.js';

export { TITLE_BOOST } from './index-data.js';

/** What the index knows of a post besides its words: enough to skip what a caller can never see. */
export interface IndexedFields {
  threadId: string;
  forumId: string;
  authorId: string | null;
  status: 'visible' | 'held' | 'removed';
  /** The thread's state: its posts follow it (a removed thread's posts are for staff only). */
  threadState: 'visible' | 'held' | 'removed';
  /** ms since the epoch: newest first among equal scores. */
  createdAt: number;
  /** The thread's first post, which carries the thread's title. */
  first: boolean;
}

/** A post as indexed: its published text and, for a thread's first post, the thread's title. */
export interface IndexedPost extends IndexedFields {
  id: string;
  title: string | null;
  text: string;
}

export interface Candidate { id: string; score: number; fields: IndexedFields }

/** Words of a query the index is asked for (the rarest); the store-side check still requires every one. */
export const MAX_RECALL_TERMS = 8;
/** The last word typed stands for at most this many words it begins (the most used ones). */
export const MAX_EXPANSIONS = 50;
/**
 * The rarest word of a query (with a prefix: all the words it stands for, together) is walked from
 * its newest post back at most this far: a word in more posts than this ("the", "with") says little
 * about relevance, and scoring all of them cost tens of milliseconds at 100,000 posts.
 */
export const NEWEST_OF_COMMON = 20_000;
/** Posting entries one query's words may walk; a word past it is left to the store-side check. */
export const MAX_POSTINGS = 150_000;

/**
 * Entries one query's excluded words may read, in their posting lists or in the candidates' own
 * word lists (typed arrays, about a millisecond); candidates past it are left to the store-side
 * check. 20,000 candidates of 40 distinct words each fit: the 100,000-post bench never reaches it.
 */
export const MAX_EXCLUSION_READS = 1_000_000;

const K1 = 1.2;
const B = 0.75;
/** A longer word found by a prefix scores less than the word typed itself. */
const PREFIX_WEIGHT = 0.5;

interface Group { terms: { id: number; factor: number }[]; size: number }

export class SearchEngine {
  private constructor(private d: IndexData) {}
  // Scratch for one query at a time (queries are synchronous), sized to the slots.
  private reached = new Int32Array(0);
  private score = new Float64Array(0);
  private touched = new Int32Array(0);
  private excluded = new Uint8Array(0);

  static empty(): SearchEngine {
    return new SearchEngine(new IndexData());
  }

  /** From `toJSON()`'s output. */
  static load(json: string): SearchEngine {
    return new SearchEngine(IndexData.load(json));
  }

  toJSON(): string {
    return this.d.toJSON();
  }

  /** Adds the post, or replaces what was indexed of it. */
  upsert(doc: IndexedPost): void {
    this.d.upsert(doc);
  }

  /** Takes the post out, its words with it. */
  discard(id: string): void {
    this.d.discard(id);
  }

  get size(): number {
    return this.d.alive;
  }

  has(id: string): boolean {
    return this.d.slotOf.has(id);
  }

  /** Content gone for good: out of the index, words and all (as discard; kept for its callers). */
  async erase(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.discard(id);
  }

  /** Words never outlive their posts here: nothing is left to vacuum. */
  get dirty(): boolean {
    return false;
  }

  async vacuum(): Promise<void> {}

  /** The best `limit` candidates for `q` that pass `keep` (given a reused object: read, do not keep it), best score first, then newest. */
  find(q: ParsedQuery, keep: (fields: IndexedFields) => boolean, limit = 1000): Candidate[] {
    const planned = this.groupsOf(q);
    if (!planned) return [];
    const { groups } = planned;
    this.grow();
    const { reached, score } = this;
    const { len, ids } = this.d;
    const n = Math.max(1, this.d.alive);
    const avg = this.d.totalLen / n || 1;
    const touched = this.touched;
    let found = 0;
    // The rarest group's words share NEWEST_OF_COMMON, each in proportion to how common it is.
    const firstSize = groups[0]!.size;
    const share = (df: number) => (firstSize <= NEWEST_OF_COMMON ? df : Math.max(1, Math.floor((NEWEST_OF_COMMON * df) / firstSize)));
    groups.forEach((group, g) => {
      for (const { id, factor } of group.terms) {
        const docs = this.d.docs[id]!;
        const ws = this.d.weights[id]!;
        const df = this.d.count[id]!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * factor;
        // A word in very many posts is looked for among its newest ones only (see NEWEST_OF_COMMON).
        const from = g === 0 ? df - share(df) : 0;
        for (let i = from; i < df; i++) {
          const slot = docs[i]!;
          const r = reached[slot]!;
          if (r === g) {
            reached[slot] = g + 1;
            if (g === 0) touched[found++] = slot;
          } else if (r !== g + 1) continue;
          const w = ws[i]!;
          score[slot]! += (idf * w * (K1 + 1)) / (w + K1 * (1 - B + (B * len[slot]!) / avg));
        }
      }
    });
    const all = groups.length;
    // Excluded words (phrases are left to the store-side check), whichever way costs less: walk
    // their posting lists, or look each candidate up in its own word list once it would rank. A
    // rare "-word" is a short walk; "-the -a -to …" would walk nearly every post per word, where a
    // walk cut off at a budget used to leave the rest to the check, a store read per candidate.
    // Either way within MAX_EXCLUSION_READS entries read: past it, what is left goes to the check,
    // so no query's work grows with the forum (long posts, "-" before every common word).
    let excluded = this.exclusionsOf(q);
    let budget = MAX_EXCLUSION_READS;
    if (excluded) {
      let walk = 0;
      for (const t of excluded) walk += this.d.count[t]!;
      if (walk <= Math.min(MAX_EXCLUSION_READS, found * (this.d.totalLen / n))) {
        for (const t of excluded) {
          const docs = this.d.docs[t]!;
          for (let i = 0, df = this.d.count[t]!; i < df; i++) if (reached[docs[i]!] === all) reached[docs[i]!] = -1;
        }
        excluded = null;
      } else for (const t of excluded) this.excluded[t] = 1;
    }
    const better = (a: number, b: number) =>
      score[a]! > score[b]! || (score[a] === score[b] && (this.d.createdAt[a]! > this.d.createdAt[b]! || (this.d.createdAt[a] === this.d.createdAt[b] && ids[a]! < ids[b]!)));
    const top = new TopK(limit, better);
    const fields = {} as IndexedFields;
    for (let k = 0; k < found; k++) {
      const slot = touched[k]!;
      // Whether it would rank first (two numbers compared), then whether the caller may see it.
      if (reached[slot] !== all || ids[slot] === null || !top.admits(slot)) continue;
      if (excluded && budget > 0) {
        budget -= this.d.termCount(slot);
        if (this.d.hasAnyTerm(slot, this.excluded)) continue;
      }
      if (keep(this.fieldsOf(slot, fields))) top.offer(slot);
    }
    if (excluded) for (const t of excluded) this.excluded[t] = 0;
    const out = top.sorted().map((slot) => ({ id: ids[slot]!, score: score[slot]!, fields: this.fieldsOf(slot, {} as IndexedFields) }));
    for (let k = 0; k < found; k++) {
      reached[touched[k]!] = 0;
      score[touched[k]!] = 0;
    }
    return out;
  }

  /** The ids of the query's excluded single words (phrases are the check's), or null if none; sizes the mask. */
  private exclusionsOf(q: ParsedQuery): number[] | null {
    const ids: number[] = [];
    for (const part of q.parts) {
      if (!part.exclude || part.terms.length !== 1) continue;
      const t = this.d.termIds.get(part.terms[0]!);
      if (t !== undefined) ids.push(t);
    }
    if (!ids.length) return null;
    if (this.excluded.length < this.d.termText.length) this.excluded = new Uint8Array(this.d.termText.length * 2);
    return ids;
  }

  /**
   * The query's words as groups of dictionary words (a prefix stands for the words it begins), the
   * rarest first, within the budget; null when a word is in no post at all (nothing can match).
   */
  private groupsOf(q: ParsedQuery): { groups: Group[] } | null {
    const seen = new Set<string>();
    const groups: Group[] = [];
    for (const part of q.parts) {
      if (part.exclude) continue;
      part.terms.forEach((term, i) => {
        const prefix = part.prefix && i === part.terms.length - 1;
        const key = `${prefix ? '*' : '='}${term}`;
        if (seen.has(key)) return;
        seen.add(key);
        groups.push(prefix ? this.expand(term) : this.exact(term));
      });
    }
    if (!groups.length || groups.some((g) => g.size === 0)) return null;
    groups.sort((a, b) => a.size - b.size);
    const chosen: Group[] = [];
    let walked = 0;
    for (const g of groups) {
      if (chosen.length === MAX_RECALL_TERMS || (chosen.length > 0 && walked + g.size > MAX_POSTINGS)) break;
      chosen.push(g);
      walked += g.size;
    }
    return { groups: chosen };
  }

  private exact(term: string): Group {
    const id = this.d.termIds.get(term);
    return id === undefined ? { terms: [], size: 0 } : { terms: [{ id, factor: 1 }], size: this.d.count[id]! };
  }

  private expand(prefix: string): Group {
    const found: { id: number; factor: number }[] = [];
    for (const [word, id] of this.d.dictionary.atPrefix(prefix).entries()) found.push({ id, factor: word === prefix ? 1 : PREFIX_WEIGHT });
    const terms = found.length > MAX_EXPANSIONS ? found.sort((a, b) => this.d.count[b.id]! - this.d.count[a.id]!).slice(0, MAX_EXPANSIONS) : found;
    return { terms, size: terms.reduce((sum, t) => sum + this.d.count[t.id]!, 0) };
  }

  private fieldsOf(slot: number, into: IndexedFields): IndexedFields {
    into.threadId = this.d.threadId[slot]!;
    into.forumId = this.d.forumId[slot]!;
    into.authorId = this.d.authorId[slot]!;
    into.status = STATES[this.d.status[slot]!]!;
    into.threadState = STATES[this.d.threadState[slot]!]!;
    into.createdAt = this.d.createdAt[slot]!;
    into.first = this.d.first[slot]!;
    return into;
  }

  private grow(): void {
    if (this.reached.length >= this.d.ids.length) return;
    const size = Math.max(1024, this.d.ids.length * 2);
    this.reached = new Int32Array(size);
    this.score = new Float64Array(size);
    this.touched = new Int32Array(size);
  }
}
