// The in-process full-text index (recall only: every candidate is checked against the store before
// anyone sees it). MiniSearch holds the inverted index; this file decides what a document is, how
// a parsed query becomes a MiniSearch query, and how the results are ordered.
import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import { fold, words, type ParsedQuery } from './text.js';

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

/** A thread title counts this many times a body word. */
export const TITLE_BOOST = 3;
/** Words of a query the index is asked for; the store-side check still requires every word. */
export const MAX_RECALL_TERMS = 8;

const STORED: (keyof IndexedFields)[] = ['threadId', 'forumId', 'authorId', 'status', 'threadState', 'createdAt', 'first'];

const OPTIONS = {
  idField: 'id',
  fields: ['title', 'text'],
  storeFields: STORED,
  tokenize: words,
  processTerm: (term: string) => fold(term) || null,
  searchOptions: { combineWith: 'AND' as const, boost: { title: TITLE_BOOST } },
  // Edits and removals leave dirt behind until a vacuum; purges vacuum at once (purge()).
  autoVacuum: { minDirtCount: 1000, minDirtFactor: 0.05, batchSize: 2000, batchWait: 5 },
};

/** The MiniSearch query for a parsed query: every word (the last also as a prefix) AND NOT the exclusions. */
function toQuery(q: ParsedQuery): Query | null {
  const positive = q.parts.filter((p) => !p.exclude);
  if (!positive.length) return null;
  const terms: { term: string; prefix: boolean }[] = [];
  for (const p of positive) p.terms.forEach((term, i) => terms.push({ term, prefix: p.prefix && i === p.terms.length - 1 }));
  const unique = [...new Map(terms.map((t) => [`${t.term}|${t.prefix}`, t])).values()];
  // Bounded work: the longest words (usually the rarest) recall; the store-side check needs all.
  const recall = unique.length > MAX_RECALL_TERMS
    ? [...unique.filter((t) => t.prefix), ...unique.filter((t) => !t.prefix).sort((a, b) => b.term.length - a.term.length)].slice(0, MAX_RECALL_TERMS)
    : unique;
  const must: Query = { combineWith: 'AND', queries: recall.map((t) => ({ queries: [t.term], prefix: t.prefix, combineWith: 'OR' })) };
  // Excluded single words leave at recall; excluded phrases only at the check (one of their words
  // alone does not exclude).
  const not = q.parts.filter((p) => p.exclude && p.terms.length === 1).slice(0, MAX_RECALL_TERMS).map((p) => p.terms[0]!);
  return not.length ? { combineWith: 'AND_NOT', queries: [must, ...not] } : must;
}

export class SearchEngine {
  private constructor(private ms: MiniSearch<IndexedPost>) {}

  static empty(): SearchEngine {
    return new SearchEngine(new MiniSearch<IndexedPost>(OPTIONS));
  }

  /** From `toJSON()`'s output. */
  static load(json: string): SearchEngine {
    return new SearchEngine(MiniSearch.loadJSON<IndexedPost>(json, OPTIONS));
  }

  get size(): number {
    return this.ms.documentCount;
  }

  has(id: string): boolean {
    return this.ms.has(id);
  }

  /** Adds the post, or replaces what was indexed of it. */
  upsert(doc: IndexedPost): void {
    if (this.ms.has(doc.id)) this.ms.discard(doc.id);
    this.ms.add(doc);
  }

  discard(id: string): void {
    if (this.ms.has(id)) this.ms.discard(id);
  }

  /**
   * Content gone for good: the posts leave, and their words leave the index's memory too (a
   * vacuum, not left as dirt for later), before the returned promise resolves.
   */
  async erase(ids: readonly string[]): Promise<void> {
    let any = false;
    for (const id of ids) {
      if (this.ms.has(id)) {
        this.ms.discard(id);
        any = true;
      }
    }
    if (any || this.ms.dirtCount > 0) await this.ms.vacuum({ batchSize: 5000, batchWait: 0 });
  }

  /** Whether discarded documents still leave words behind (a snapshot waits for a vacuum). */
  get dirty(): boolean {
    return this.ms.dirtCount > 0;
  }

  async vacuum(): Promise<void> {
    if (this.ms.dirtCount > 0) await this.ms.vacuum({ batchSize: 5000, batchWait: 0 });
  }

  /** Candidates for `q` that pass `keep`, best score first, then newest. */
  find(q: ParsedQuery, keep: (fields: IndexedFields) => boolean): Candidate[] {
    const query = toQuery(q);
    if (!query) return [];
    const results = this.ms.search(query, { filter: (r) => keep(r as SearchResult & IndexedFields) }) as (SearchResult & IndexedFields)[];
    const out: Candidate[] = results.map((r) => ({
      id: r.id as string,
      score: r.score,
      fields: { threadId: r.threadId, forumId: r.forumId, authorId: r.authorId, status: r.status, threadState: r.threadState, createdAt: r.createdAt, first: r.first },
    }));
    return out.sort((a, b) => b.score - a.score || b.fields.createdAt - a.fields.createdAt || (a.id < b.id ? -1 : 1));
  }

  toJSON(): string {
    return JSON.stringify(this.ms);
  }
}
