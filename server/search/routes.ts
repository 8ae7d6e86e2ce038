import { Router } from 'express';
import { encodeCursor, pageParams } from '../http/paging.js';
import { parse } from '../http/validate.js';
import { searchCursor, searchQuery } from '../../shared/schemas/search.js';
import { viewerFor } from '../forum/views.js';
import { search, type SearchDeps } from './service.js';
import { toSearchHitView } from './views.js';

/** `GET /api/search` (API.md, Search): parse, search, shape each hit as the caller may see it. */
export function searchRoutes(deps: SearchDeps): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const q = parse(searchQuery, req.query);
    const { cursor } = pageParams({ cursor: q.cursor }, searchCursor);
    const page = await search(deps, req.user ?? null, req.ip ?? 'unknown', q, cursor?.o ?? 0);
    const viewer = viewerFor(req.user);
    res.json({
      items: page.hits.map((h) => toSearchHitView(h, viewer, page.authors)),
      nextCursor: page.next === null ? null : encodeCursor({ o: page.next }),
    });
  });
  return r;
}
