import { useEffect } from 'preact/hooks';
import { tabTitle } from '../../shared/pages.js';

/**
 * Names the tab after what the page shows ("Payments question · Help · Agora"), once the page
 * knows it. main.tsx names every page by its kind first, in a layout effect, which runs before
 * this effect of the page itself, so the more specific name wins.
 */
export function useTitle(...parts: (string | null | undefined)[]): void {
  const title = tabTitle(...parts);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
