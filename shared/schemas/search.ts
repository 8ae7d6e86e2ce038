// Search (API.md, Search): what a query may ask and what a page of results holds.
import { z } from 'zod';
import { pageOf } from './common.js';
import { postSchema } from './forum.js';
import { SEARCH_MAX_QUERY } from '../search-limits.js';

export { SEARCH_MAX_QUERY };

/** `GET /api/search?q=&forumId=&author=&status=&cursor=&limit=` (limit 1–50, default 20). */
export const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'expected 1 to 200 characters').max(SEARCH_MAX_QUERY, 'expected 1 to 200 characters'),
  forumId: z.string().max(64).optional(),
  /** A username. */
  author: z.string().max(64).optional(),
  /** `removed`: moderators searching removed posts; everyone else gets 403. */
  status: z.enum(['visible', 'removed']).default('visible'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type SearchQuery = z.infer<typeof searchQuery>;

/** Where the next page starts in the ranked candidates (opaque to clients). */
export const searchCursor = z.object({ o: z.number().int().min(0).max(100_000) });

export const searchHitSchema = z.strictObject({
  post: postSchema,
  thread: z.strictObject({ id: z.string(), title: z.string() }),
  /** HTML: the post's published text, escaped, each matched word in `<mark>`; no other markup. */
  snippet: z.string(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchAnswers = {
  results: pageOf(searchHitSchema),
};
export type SearchAnswers = { [K in keyof typeof searchAnswers]: z.infer<(typeof searchAnswers)[K]> };
