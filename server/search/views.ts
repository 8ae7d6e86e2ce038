import { toPostView, type Authors, type Viewer } from '../forum/views.js';
import type { SearchHit } from '../../shared/schemas/search.js';
import type { SearchHitRecord } from './service.js';

/** A hit as the caller may see its post (the service asked the policy first), its thread named by title. */
export const toSearchHitView = (hit: SearchHitRecord, viewer: Viewer | null, authors: Authors): SearchHit => ({
  post: toPostView(hit.post, viewer, authors),
  thread: { id: hit.thread.id, title: hit.thread.title },
  snippet: hit.snippet,
});
