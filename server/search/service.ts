// Search (API.md, Search): recall from this process's index, truth from the store. The index
// proposes candidates; each is read again from the store and shown only if the policy lets the
// caller find it now and its current text still answers the query. So an index that lags a
// removal, a purge or an edit can never show what a reader may not see.
import { authorize, can, isStaff, type Subject } from '../auth/policy.js';
import { InvalidInput, RateLimited, Unavailable } from '../errors.js';
import type { ForumStore, PostRecord, ThreadRecord } from '../store/forum.js';
import type { Limiter } from '../store/rate-limit.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { SearchQuery } from '../../shared/schemas/search.js';
import { userIdsOf, type Authors } from '../forum/views.js';
import type { Candidate, IndexedFields, SearchEngine } from './engine.js';
import { parseQuery, publishedText, snippet, type ParsedQuery } from './text.js';
import { answers } from './answers.js';

export interface SearchDeps {
  index: { readonly ready: boolean; readonly engine: SearchEngine };
  forum: Pick<ForumStore, 'getPosts' | 'getThreads'>;
  users: Pick<UserStore, 'getMany' | 'findByUsername'>;
  /** Per client (address): queries are cheap but not free. */
  limiter: Limiter;
}

export interface SearchHitRecord { post: PostRecord; thread: ThreadRecord; snippet: string }
export interface SearchPage { hits: SearchHitRecord[]; authors: Authors; next: number | null }

/**
 * The most candidates one request reads from the store. A page fills long before this unless the
 * index lags far behind the store; then the page comes back short, with a cursor to go on.
 */
export const MAX_CHECKED = 200;

export async function search(deps: SearchDeps, caller: UserRecord | null, client: string, q: SearchQuery, offset: number): Promise<SearchPage> {
  const hit = await deps.limiter.consume(client);
  if (!hit.allowed) throw new RateLimited(hit.retryAfterSeconds);
  if (q.status === 'removed') authorize(caller, 'moderate');
  const parsed = parseQuery(q.q);
  if (!parsed.parts.some((p) => !p.exclude)) throw new InvalidInput('q', 'Search for at least one word (a "-word" only leaves words out).');
  if (!deps.index.ready) throw new Unavailable('search');

  const empty: SearchPage = { hits: [], authors: new Map(), next: null };
  let authorId: string | null = null;
  if (q.author) {
    const author = await deps.users.findByUsername(q.author);
    if (!author) return empty;
    authorId = author.id;
  }
  const keep = prefilter(caller, q, authorId);
  // One more than this request may check: whether a next page exists.
  const candidates = deps.index.engine.find(parsed, keep, offset + MAX_CHECKED + 1);
  const hits: SearchHitRecord[] = [];
  let at = offset;
  const stop = Math.min(candidates.length, offset + MAX_CHECKED);
  while (at < stop && hits.length < q.limit) {
    // Most candidates pass: a few more than the page still needs, then more if some did not.
    const batch = candidates.slice(at, Math.min(stop, at + q.limit - hits.length + 4));
    const checked = await check(deps, caller, q, parsed, authorId, batch);
    for (let i = 0; i < batch.length; i++) {
      at++;
      const found = checked[i];
      if (found) hits.push(found);
      if (hits.length === q.limit) break;
    }
  }
  const authors = await deps.users.getMany([...new Set(userIdsOf(hits.map((h) => h.post)))]);
  return { hits, authors, next: at < candidates.length ? at : null };
}

/**
 * What the index itself can rule out for this caller, so a page is not spent on candidates the
 * check would drop anyway. Only a shortcut: the check below decides.
 */
function prefilter(caller: Subject | null, q: SearchQuery, authorId: string | null) {
  const staff = isStaff(caller);
  const me = caller?.id;
  return (f: IndexedFields): boolean => {
    if (q.forumId && f.forumId !== q.forumId) return false;
    if (authorId && f.authorId !== authorId) return false;
    if (q.status === 'removed') return f.status === 'removed' || f.threadState === 'removed';
    if (f.status === 'removed' || f.threadState === 'removed') return false;
    if (f.status === 'held' && !staff && (!me || f.authorId !== me)) return false;
    return f.threadState !== 'held' || staff || !!me;
  };
}

/** Each candidate as the store has it now, if the caller may find it and it still answers the query. */
async function check(deps: SearchDeps, caller: UserRecord | null, q: SearchQuery, parsed: ParsedQuery, authorId: string | null, batch: Candidate[]) {
  // The index knows each candidate's thread (a post never moves), so both reads go out together.
  const [posts, threads] = await Promise.all([
    deps.forum.getPosts(batch.map((c) => c.id), new Map(batch.map((c) => [c.id, c.fields.threadId]))),
    deps.forum.getThreads([...new Set(batch.map((c) => c.fields.threadId))]),
  ]);
  return batch.map((c): SearchHitRecord | null => {
    const post = posts.get(c.id);
    const thread = post && threads.get(post.threadId);
    if (!post || !thread || !can(caller, 'post:find', { post, thread })) return null;
    const removed = post.status === 'removed' || !!thread.removal;
    if (removed !== (q.status === 'removed')) return null;
    if ((q.forumId && post.forumId !== q.forumId) || (authorId && post.authorId !== authorId)) return null;
    const text = publishedText(post.html);
    if (!answers(parsed, c.fields.first ? [text, thread.title] : [text])) return null;
    return { post, thread, snippet: snippet(text, parsed) };
  });
}
