// The search box in the header of every page, and the `/` key that reaches it from anywhere.
import { useState } from 'preact/hooks';
import { SEARCH_MAX_QUERY } from '../../shared/search-limits.js';
import { navigate } from './router.js';
import './search.css';
import { searchPath } from './search-api.js';

/** What `/` focuses: the header box, or the results page's own box there (the header hides its own). */
const SEARCH_BOX = '[data-search-box]';

/** Where typing a `/` means the character itself. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return !!target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])');
}

/** `/` focuses the search box, as on many sites; not while typing, nor with a modifier held. */
export function watchSearchShortcut(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || e.isComposing || typingIn(e.target)) return;
    // A dialog that is open keeps the keyboard (focus-trap.ts).
    if (document.querySelector('dialog[open]')) return;
    const box = document.querySelector<HTMLInputElement>(SEARCH_BOX);
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
}

export function HeaderSearch() {
  const [q, setQ] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    const words = q.trim();
    if (!words) return;
    setQ('');
    navigate(searchPath({ q: words }));
  };
  return (
    <form role="search" aria-label="Site" class="site-search" onSubmit={submit}>
      <label for="site-search-q" class="visually-hidden">Search posts</label>
      <input id="site-search-q" type="search" name="q" value={q} maxLength={SEARCH_MAX_QUERY} data-search-box
        placeholder="Search posts" aria-keyshortcuts="/" autoComplete="off"
        onInput={(e) => setQ(e.currentTarget.value)} />
      <button type="submit" class="secondary">Search</button>
    </form>
  );
}
