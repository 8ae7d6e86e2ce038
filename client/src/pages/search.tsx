// `/search?q=&forumId=&author=&status=`: posts that match, best first, as this reader may see them
// (API.md, Search). The address is the search: the form writes it, the results follow it, so a
// search can be bookmarked, shared and gone back to.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Forum, ForumAnswers, SearchHit } from '../../../shared/schemas/index.js';
import { SEARCH_MAX_QUERY } from '../../../shared/search-limits.js';
import { api } from '../api.js';
import { isModerator } from '../mod-api.js';
import { navigate, useSearch } from '../router.js';
import { fetchResults, paramsFromUrl, SearchFailure, searchPath, type SearchParams } from '../search-api.js';
import { SearchResult } from '../search-results.js';
import { useSession } from '../session.js';
import { useTitle } from '../title.js';
import '../search.css';

/** Typing pauses this long before the results follow (the server's limit is per minute, per address). */
const TYPING_PAUSE_MS = 450;
/** Typing searches only from this many characters on; the button and Enter search any. */
const TYPING_MIN = 2;

interface Results { items: SearchHit[]; next: string | null; q: string }

/** What the live region says once a search has answered. */
function countText(r: Results): string {
  const n = r.items.length;
  if (n === 0) return `No posts match “${r.q}”.`;
  if (r.next) return `${n} posts shown for “${r.q}”; more can be loaded.`;
  return `${n === 1 ? '1 post matches' : `${n} posts match`} “${r.q}”.`;
}

/** A refusal in words; 429 and 503 say when to ask again. */
function failureText(e: unknown): string {
  if (!(e instanceof SearchFailure)) return e instanceof Error ? e.message : 'Something went wrong.';
  const wait = e.retryAfter;
  if (e.status === 429) return `Too many searches in a short time. Try again in ${wait ?? 60} ${wait === 1 ? 'second' : 'seconds'}.`;
  if (e.status === 503) return `Search is starting… Try again in ${wait ? `${wait} ${wait === 1 ? 'second' : 'seconds'}` : 'a few seconds'}.`;
  if (e.status === 403) return 'Only moderators can search removed posts.';
  return e.message;
}

export function SearchPage() {
  const { user } = useSession();
  const mod = isModerator(user);
  const search = useSearch();
  // Only moderators may ask for removed posts; anyone else's address asking for them searches visible ones.
  const asked = useMemo<SearchParams>(() => {
    const p = paramsFromUrl(search);
    return mod ? p : { ...p, removed: false };
  }, [search, mod]);
  const [fields, setFields] = useState<SearchParams>(asked);
  const [forums, setForums] = useState<Forum[]>([]);
  const [results, setResults] = useState<Results | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [attempt, setAttempt] = useState(0);
  /** The address this page's own typing wrote: the fields already say it, so they are left alone. */
  const wrote = useRef<string | null>(null);
  const typing = useRef<number | undefined>(undefined);
  /** After "Load more", the first new result takes the focus. */
  const focusFrom = useRef<number | null>(null);
  const loadingMore = useRef(false); // a ref, not the state: two presses before a re-render load one page
  useTitle(asked.q.trim() || null, 'Search');

  useEffect(() => {
    api.get<ForumAnswers['forums']>('/api/forums').then((r) => setForums(r.items), () => {});
    return () => window.clearTimeout(typing.current);
  }, []);

  // Back, forward, or the address changed by anything but typing here: the fields show it.
  useEffect(() => {
    if (search !== wrote.current) setFields(asked);
    wrote.current = null;
  }, [search]);

  useEffect(() => {
    setFailure(null);
    const q = asked.q.trim();
    if (!q) {
      setResults(null);
      return;
    }
    // Only the latest search may answer: a slower earlier one is cancelled.
    const ctl = new AbortController();
    setBusy(true);
    fetchResults(asked, null, ctl.signal).then((page) => {
      setResults({ items: page.items, next: page.nextCursor, q });
      setBusy(false);
    }, (e) => {
      if (ctl.signal.aborted) return;
      setFailure(e);
      setResults(null);
      setBusy(false);
    });
    return () => ctl.abort();
  }, [asked, attempt]);

  useEffect(() => {
    if (focusFrom.current === null) return;
    document.querySelector<HTMLElement>(`[data-result-index="${focusFrom.current}"] .result-title a`)?.focus();
    focusFrom.current = null;
  }, [results]);

  const apply = (p: SearchParams, replace = false) => {
    window.clearTimeout(typing.current);
    if (!p.q.trim()) return;
    const path = searchPath(p);
    if (path === location.pathname + location.search) setAttempt((n) => n + 1); // the same search again: ask anew
    else {
      if (replace) wrote.current = path.slice(path.indexOf('?'));
      navigate(path, replace);
    }
  };
  /** Words typed: the results follow once typing pauses (replacing the address, not adding to history). */
  const typed = (p: SearchParams) => {
    setFields(p);
    window.clearTimeout(typing.current);
    if (p.q.trim().length < TYPING_MIN) return;
    typing.current = window.setTimeout(() => apply(p, true), TYPING_PAUSE_MS);
  };
  /** A choice made (forum, removed posts): searched at once. */
  const chosen = (p: SearchParams) => {
    setFields(p);
    apply(p);
  };

  const loadMore = async () => {
    if (!results?.next || busy || loadingMore.current) return;
    loadingMore.current = true;
    setBusy(true);
    try {
      const page = await fetchResults(asked, results.next);
      focusFrom.current = results.items.length;
      setResults({ ...results, items: [...results.items, ...page.items], next: page.nextCursor });
    } catch (e) {
      setFailure(e);
    } finally {
      loadingMore.current = false;
      setBusy(false);
    }
  };

  const queryError = failure instanceof SearchFailure && failure.status === 400 && failure.field === 'q' ? failure.message : null;
  const retryable = failure instanceof SearchFailure && (failure.status === 429 || failure.status === 503 || failure.status === 0);
  const forumTitle = new Map(forums.map((f) => [f.id, f.title]));
  return (
    <main class="search-page" aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <form role="search" aria-label="Posts" class="search-form" onSubmit={(e) => {
        e.preventDefault();
        apply(fields);
      }}>
        <div class={`field search-words${queryError ? ' has-error' : ''}`}>
          <label for="search-q">Search for</label>
          <div class="search-row">
            <input id="search-q" type="search" name="q" value={fields.q} maxLength={SEARCH_MAX_QUERY} data-search-box
              aria-keyshortcuts="/" autoComplete="off" aria-invalid={queryError ? true : undefined}
              aria-describedby={queryError ? 'search-q-error search-q-hint' : 'search-q-hint'}
              onInput={(e) => typed({ ...fields, q: e.currentTarget.value })} />
            <button type="submit">Search</button>
          </div>
          {queryError && <p class="field-error" id="search-q-error" role="alert" data-testid="search-query-error">{queryError}</p>}
          <p class="hint" id="search-q-hint">Put <code>"quoted words"</code> to find a phrase, and <code>-word</code> to leave a word out.</p>
        </div>
        <div class="search-filters">
          <div class="field">
            <label for="search-forum">Forum</label>
            <select id="search-forum" name="forumId" value={fields.forumId} onChange={(e) => chosen({ ...fields, forumId: e.currentTarget.value })}>
              <option value="">All forums</option>
              {forums.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="search-author">Written by</label>
            <input id="search-author" type="text" name="author" value={fields.author} maxLength={64} autoComplete="off"
              placeholder="any member" onInput={(e) => typed({ ...fields, author: e.currentTarget.value })} />
          </div>
          {mod && (
            <label class="search-removed">
              <input type="checkbox" name="status" checked={fields.removed} onChange={(e) => chosen({ ...fields, removed: e.currentTarget.checked })} />
              Search removed posts
            </label>
          )}
        </div>
      </form>

      {failure !== null && !queryError && (
        <div class="form-error search-problem" role="alert" data-testid="search-problem">
          <p>{failureText(failure)}</p>
          {retryable && <button type="button" class="secondary" onClick={() => setAttempt((n) => n + 1)}>Try again</button>}
        </div>
      )}
      <p class="search-count" role="status" aria-live="polite" data-testid="search-count">{results && !busy ? countText(results) : ''}</p>
      {!asked.q.trim() && <p class="meta">Type one or more words to search the posts of every forum.</p>}
      {results && results.items.length === 0 && <p class="meta">Check the spelling, or try fewer words or other filters.</p>}
      {results && results.items.length > 0 && (
        <ol class="search-results" aria-label="Results" aria-busy={busy ? true : undefined} data-testid="search-results">
          {results.items.map((hit, i) => <SearchResult key={hit.post.id} hit={hit} index={i} forumTitle={forumTitle.get(hit.post.forumId)} />)}
        </ol>
      )}
      {/* aria-disabled while loading: a disabled button would drop the keyboard's focus to the page. */}
      {results?.next && <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void loadMore()}>{busy ? 'Loading…' : 'Load more results'}</button>}
    </main>
  );
}
