// Asking GET /api/search (API.md, Search) and reading a search page's address. Its own fetch, not
// api.ts: a search typed on is cancelled when the next one starts, and a 429 or 503 says in
// Retry-After when to ask again, which the page tells the reader.
import type { ApiErrorBody, SearchAnswers } from '../../shared/schemas/index.js';
import { ApiFailure } from './api.js';

export interface SearchParams {
  q: string;
  forumId: string;
  author: string;
  /** Moderators: search removed posts instead (`status=removed`). */
  removed: boolean;
}

/** A refused search, with the seconds the server asked us to wait (429, 503), if it said. */
export class SearchFailure extends ApiFailure {
  retryAfter: number | null = null;
}

export function paramsFromUrl(search: string): SearchParams {
  const p = new URLSearchParams(search);
  return { q: p.get('q') ?? '', forumId: p.get('forumId') ?? '', author: p.get('author') ?? '', removed: p.get('status') === 'removed' };
}

function query(p: SearchParams): URLSearchParams {
  const u = new URLSearchParams({ q: p.q.trim() });
  if (p.forumId) u.set('forumId', p.forumId);
  if (p.author.trim()) u.set('author', p.author.trim());
  if (p.removed) u.set('status', 'removed');
  return u;
}

/** The results page for these words and filters. */
export const searchPath = (p: Partial<SearchParams> & { q: string }): string =>
  `/search?${query({ forumId: '', author: '', removed: false, ...p })}`;

export async function fetchResults(p: SearchParams, cursor: string | null, signal?: AbortSignal): Promise<SearchAnswers['results']> {
  const u = query(p);
  if (cursor) u.set('cursor', cursor);
  let res: Response;
  try {
    res = await fetch(`/api/search?${u}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin', signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new SearchFailure(0, 'network', 'Agora cannot be reached. Check your connection and try again.');
  }
  const data = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return data as SearchAnswers['results'];
  const err = (data as ApiErrorBody | null)?.error;
  const failure = new SearchFailure(res.status, err?.code ?? 'unknown', err?.message ?? 'Something went wrong.', err?.details);
  const wait = Number(res.headers.get('Retry-After'));
  failure.retryAfter = Number.isFinite(wait) && wait > 0 ? wait : null;
  throw failure;
}
