import request from 'supertest';
import { searchAnswers, type SearchHit } from '../../shared/schemas/search.js';
import type { Client } from './http.js';

export interface SearchParams { forumId?: string; author?: string; status?: 'visible' | 'removed'; cursor?: string; limit?: number }

/** GET /api/search as `who` (anonymous without); the raw answer, for status checks. */
export function searchRaw(url: string, q: string, who?: Client | null, params: SearchParams = {}) {
  const query = { q, ...params };
  return who ? who.agent.get('/api/search').query(query) : request(url).get('/api/search').query(query);
}

/** The hits of one page, checked against the contract's strict schema. */
export async function search(url: string, q: string, who?: Client | null, params: SearchParams = {}): Promise<SearchHit[]> {
  const res = await searchRaw(url, q, who, params);
  if (res.status !== 200) throw new Error(`search "${q}" answered ${res.status}: ${JSON.stringify(res.body)}`);
  return searchAnswers.results.parse(res.body).items;
}

/** Ids of every hit over every page. */
export async function searchAll(url: string, q: string, who?: Client | null, params: SearchParams = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await searchRaw(url, q, who, { ...params, ...(cursor ? { cursor } : {}) });
    if (res.status !== 200) throw new Error(`search "${q}" answered ${res.status}`);
    const body = searchAnswers.results.parse(res.body);
    ids.push(...body.items.map((h) => h.post.id));
    if (!body.nextCursor) return ids;
    cursor = body.nextCursor;
  }
  throw new Error('search paged more than 100 times');
}

/** A word nobody else's post holds, so a test's searches see only its own posts. */
export const canary = (label: string) => `${label}${Math.random().toString(36).slice(2, 10)}`.replace(/[^a-z0-9]/gi, '');
