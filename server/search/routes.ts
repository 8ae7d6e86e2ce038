import { Router } from 'express';
import { ApiError } from '../http/errors.js';
import { encodeCursor } from '../http/paging.js';
import { parse } from '../http/validate.js';
import { searchCursor, searchQuery } from '../../shared/schemas/search.js';
import { toPostView, viewerFor } from '../forum/views.js';
import { search, type SearchDeps } from './service.js';

function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    return searchCursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).o;
  } catch {
    throw new ApiError('invalid_request', 'The field "cursor" is not valid.', { field: 'cursor' });
  }
}

/** `GET /api/search` (API.md, Search): parse, search, shape each hit as the caller may see it. */
export function searchRoutes(deps: SearchDeps): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const q = parse(searchQuery, req.query);
    const page = await search(deps, req.user ?? null, req.ip ?? 'unknown', q, offsetOf(q.cursor));
    const viewer = viewerFor(req.user);
    res.json({
      items: page.hits.map((h) => ({ post: toPostView(h.post, viewer, page.authors), thread: { id: h.thread.id, title: h.thread.title }, snippet: h.snippet })),
      nextCursor: page.next === null ? null : encodeCursor({ o: page.next }),
    });
  });
  return r;
}
