// The search bench's baseline: MiniSearch by itself, with the options of server/search/engine.ts
// (copied: the engine does not export them; keep the two in step) and the query that engine asks
// for, but none of Agora's work around it (the published text, the upsert, the prefilter, the
// candidates' ordering and store-side check).
import MiniSearch, { type Query } from 'minisearch';
import { fold, parseQuery, words } from '../../server/search/text.js';
import type { IndexedPost } from '../../server/search/engine.js';

/** The same documents as the engine's: the words, and the fields stored beside them. */
export type PlainDoc = IndexedPost;

export const PLAIN_OPTIONS = {
  idField: 'id',
  fields: ['title', 'text'],
  storeFields: ['threadId', 'forumId', 'authorId', 'status', 'threadState', 'createdAt', 'first'],
  tokenize: words,
  processTerm: (term: string) => fold(term) || null,
  searchOptions: { combineWith: 'AND' as const, boost: { title: 3 } },
  autoVacuum: { minDirtCount: 1000, minDirtFactor: 0.05, batchSize: 2000, batchWait: 5 },
};

export const plainEmpty = () => new MiniSearch<PlainDoc>(PLAIN_OPTIONS);
export const plainLoad = (json: string) => MiniSearch.loadJSON<PlainDoc>(json, PLAIN_OPTIONS);

/** What MiniSearch is asked for `q`: every word (the last also as a prefix) AND NOT the excluded words. */
export function plainQuery(q: string): Query {
  const parsed = parseQuery(q);
  const terms = parsed.parts.filter((p) => !p.exclude).flatMap((p) => p.terms.map((term, i) => ({ term, prefix: p.prefix && i === p.terms.length - 1 })));
  const must: Query = { combineWith: 'AND', queries: terms.slice(0, 8).map((t) => ({ queries: [t.term], prefix: t.prefix, combineWith: 'OR' })) };
  const not = parsed.parts.filter((p) => p.exclude && p.terms.length === 1).slice(0, 8).map((p) => p.terms[0]!);
  return not.length ? { combineWith: 'AND_NOT', queries: [must, ...not] } : must;
}

/** MiniSearch alone answering `q` (its own ranking), with a forum filter when asked. */
export function plainSearch(ms: MiniSearch<PlainDoc>, q: string, forumId?: string): number {
  const query = plainQuery(q);
  return (forumId ? ms.search(query, { filter: (r) => r.forumId === forumId }) : ms.search(query)).length;
}
