// "Nothing more will happen" for a page full of untrusted markup, told by the page itself rather
// than by a pause: on a busy machine a browser is slow, and a fixed pause then ends before the
// payloads have had their chance (a control fails) or before they misbehave (a check passes wrongly).
import type { Page } from 'playwright-core';
import { eventually } from './eventually.js';

const inFlight = new WeakMap<Page, Set<unknown>>();

/** Starts counting the page's requests; call before the page loads anything to be watched. */
export function trackRequests(page: Page): void {
  const open = new Set<unknown>();
  inFlight.set(page, open);
  page.on('request', (r) => open.add(r));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
}

// Runs in Chromium (this project's tsconfig has no DOM lib): after two painted frames, so that
// styles are applied and the fetches they cause have started, and animation and focus events
// have been sent, is every element that loads something done loading?
declare const document: { querySelectorAll(selector: string): ArrayLike<Record<string, unknown>> };
declare function requestAnimationFrame(callback: () => void): number;
function loadedAfterTwoFrames(): Promise<boolean> {
  return new Promise((resolve) =>
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        const done = (el: Record<string, unknown>): boolean => {
          if ('complete' in el) return el.complete === true; // img, input type=image
          if ('networkState' in el) return el.networkState !== 2; // video, audio: not NETWORK_LOADING
          if ('contentDocument' in el && el.contentDocument) return (el.contentDocument as { readyState: string }).readyState === 'complete';
          return true; // cross-origin frames and the rest: their requests are counted instead
        };
        resolve(Array.from(document.querySelectorAll('img, input, video, audio, iframe, frame')).every(done));
      }),
    ),
  );
}

/**
 * Waits until the page is quiet twice in a row: no request in flight and every image, media
 * element and frame done loading after two painted frames. Between the two looks, the load and
 * error handlers of whatever finished have run. A page that navigates away restarts the count.
 */
export async function settle(page: Page): Promise<void> {
  const open = inFlight.get(page);
  if (!open) throw new Error('settle: call trackRequests(page) when the page is opened');
  let quiet = 0;
  await eventually(async () => {
    const loaded = await page.evaluate(loadedAfterTwoFrames).catch(() => false);
    quiet = loaded && open.size === 0 ? quiet + 1 : 0;
    return quiet >= 2;
  }, { what: 'the page is quiet', intervalMs: 0 });
}
