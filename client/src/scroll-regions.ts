// A box that scrolls must be reachable by keyboard, or its hidden part can only be read with a
// mouse (WCAG 2.1.1; axe's scrollable-region-focusable). The boxes below scroll only when their
// content is long or wide, so each gets a tab stop and a name while, and only while, it scrolls:
// a list of short posts keeps no useless tab stops. Tables in posts come as server-rendered HTML
// (the sanitizer lets no tabindex through), so they are wrapped in a box of their own here.

/** Boxes that may scroll, and what a screen reader calls them when they do. */
const SCROLLERS: [selector: string, label: string][] = [
  ['.table-scroll', 'Table, scrolls sideways'],
  ['.table-wrap', 'Table, scrolls sideways'],
  ['.data-text', 'Full text, scrolls'],
  ['.queued-body', 'Post content, scrolls'],
  ['.pii-mirror', 'Your draft with personal data highlighted'],
];

const MARK = 'data-scroll-region';

/** Wraps each table of rendered post HTML in a box that scrolls sideways instead of the page. */
function wrapTables(root: ParentNode): void {
  root.querySelectorAll<HTMLTableElement>('.post-body table').forEach((table) => {
    if (table.parentElement?.classList.contains('table-scroll')) return;
    const box = document.createElement('div');
    box.className = 'table-scroll';
    table.replaceWith(box);
    box.append(table);
  });
}

const scrolls = (el: Element) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;

function update(): void {
  wrapTables(document);
  for (const [selector, label] of SCROLLERS) {
    document.querySelectorAll<HTMLElement>(selector).forEach((el) => {
      // What this module added, so that it takes back exactly that when the box stops scrolling.
      const added = el.getAttribute(MARK);
      if (scrolls(el)) {
        if (added !== null || el.hasAttribute('tabindex')) return;
        const mine = ['tabindex'];
        el.tabIndex = 0;
        // A named region is announced on focus; a box that already has a role or a name keeps it.
        if (!el.hasAttribute('role')) mine.push('role');
        if (!el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby')) mine.push('aria-label');
        if (mine.includes('role')) el.setAttribute('role', 'region');
        if (mine.includes('aria-label')) el.setAttribute('aria-label', label);
        el.setAttribute(MARK, mine.join(' '));
      } else if (added !== null) {
        for (const name of [MARK, ...added.split(' ')]) el.removeAttribute(name);
      }
    });
  }
}

let queued = false;
function schedule(): void {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    update();
  });
}

/** Keeps scrolling boxes keyboard-reachable as pages render, content arrives and the window resizes. */
export function watchScrollRegions(): void {
  // Attribute changes are not watched: update() makes them itself.
  new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener('resize', schedule);
  schedule();
}
