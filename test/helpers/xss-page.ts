// What the XSS harness does on the page: insert each item with innerHTML, exactly as the client
// inserts a post, check the live DOM against the allowlist, then hover, focus and click every
// element. What it sees is reported through the page's __harness binding (test/helpers/xss-harness.ts).
import type { Page } from 'playwright-core';
import { CONTRACT, elementViolations } from '../unit/content/allowlist.js';
import { settle } from './page-settle.js';

export type FindingKind =
  | 'xss-call' // window.__xss(...) or an overridden alert/confirm/prompt/print ran
  | 'dialog' // a native dialog opened anyway
  | 'external-request' // a request left the test origin (aborted)
  | 'same-origin-request' // any request other than the page itself (aborted)
  | 'navigation' // the main frame navigated
  | 'popup'
  | 'frame' // a frame was attached
  | 'bad-href-click' // a clicked link had a scheme other than http/https/mailto
  | 'form-submit'
  | 'dom-contract'; // live DOM outside the allowlist

export interface Finding {
  kind: FindingKind;
  /** Vector id, when the evidence names one. */
  id: number | undefined;
  detail: string;
}

export interface Item {
  id: number;
  label: string;
  html: string;
}

// The functions passed to page.evaluate run in Chromium. This project's
// tsconfig has no DOM lib (and adding one would change global types for the
// whole program), so describe the little of the browser they use here; these
// declarations are local to this module.
interface PageElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly href?: string;
  className: string;
  textContent: string | null;
  innerHTML: string;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  append(...nodes: PageElement[]): void;
  dispatchEvent(event: unknown): boolean;
  focus?: () => void;
  blur?: () => void;
  click?: () => void;
}
interface PageEvent {
  readonly target: PageElement | null;
  preventDefault(): void;
}
declare const document: {
  addEventListener(type: string, listener: (event: PageEvent) => void, capture: boolean): void;
  getElementById(id: string): PageElement | null;
  createElement(tag: string): PageElement;
};
declare const window: unknown;
declare class MouseEvent {
  constructor(type: string, init: { bubbles: boolean; cancelable: boolean; view: unknown });
}

/**
 * Inserts each item into its own container with innerHTML, checks the live
 * DOM against the allowlist, then hovers/focuses/clicks every element and
 * lets the page settle. Everything it sees lands in `findings`.
 */
export async function exercise(page: Page, items: Item[], findings: Finding[]): Promise<void> {
  await page.evaluate(
    ({ items, contract, checkSource }) => {
      type Report = (kind: string, id: number | undefined, detail: string) => void;
      const report = (window as { __harness: Report }).__harness;
      // The same contract function the DOM-free test uses, shipped as source.
      const check = (0, eval)(`(${checkSource})`) as (tag: string, attribs: Record<string, string>, c: typeof contract) => string[];
      const vectorOf = (el: PageElement | null): number | undefined => {
        const id = el?.closest('[data-vector]')?.getAttribute('data-vector');
        return id ? Number(id) : undefined;
      };
      // Links: record any non-web scheme; let javascript: run (so execution is
      // caught too), stop everything else from navigating the harness away.
      document.addEventListener('click', (event) => {
        const link = event.target?.closest?.('a[href], area[href]') ?? null;
        if (!link) return;
        let protocol = 'invalid:';
        try {
          protocol = new URL(link.href ?? '').protocol;
        } catch {
          // unparsable: reported below
        }
        if (!contract.schemes.includes(protocol)) report('bad-href-click', vectorOf(link), link.getAttribute('href') ?? '');
        if (protocol !== 'javascript:') event.preventDefault();
      }, true);
      document.addEventListener('submit', (event) => {
        report('form-submit', vectorOf(event.target), event.target?.getAttribute('action') ?? '');
      }, true);

      const root = document.getElementById('root');
      if (!root) throw new Error('harness page has no #root');
      const containers: PageElement[] = [];
      for (const item of items) {
        const section = document.createElement('section');
        section.setAttribute('data-vector', String(item.id));
        const label = document.createElement('div');
        label.className = 'label';
        label.textContent = item.label;
        const post = document.createElement('div');
        post.className = 'post';
        section.append(label, post);
        root.append(section);
        post.innerHTML = item.html; // exactly how the client inserts a post
        containers.push(post);
      }

      for (const post of containers) {
        for (const el of Array.from(post.querySelectorAll('*'))) {
          const attribs: Record<string, string> = {};
          for (const attr of Array.from(el.attributes)) attribs[attr.name] = attr.value;
          // Foreign (SVG/MathML) elements are reported with their namespace.
          const tag = el.namespaceURI === 'http://www.w3.org/1999/xhtml' ? el.localName : `${el.namespaceURI}:${el.localName}`;
          for (const problem of check(tag, attribs, contract)) report('dom-contract', vectorOf(el), problem);
        }
      }

      // Hover, press, focus and click everything (synthetic events run inline
      // handlers just as real ones do; click() also follows links).
      const pointer = ['pointerover', 'pointerenter', 'mouseover', 'mouseenter', 'mousemove', 'pointerdown', 'mousedown', 'pointerup', 'mouseup', 'dblclick', 'contextmenu', 'auxclick', 'mouseout', 'mouseleave'];
      const other = ['wheel', 'keydown', 'keyup', 'input', 'change', 'copy', 'paste', 'dragstart', 'drop', 'toggle', 'scroll'];
      for (const post of containers) {
        for (const el of Array.from(post.querySelectorAll('*'))) {
          try {
            for (const type of pointer) el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window }));
            for (const type of other) el.dispatchEvent(new Event(type, { bubbles: true, cancelable: true }));
            el.focus?.();
            if (el.click) el.click();
            else el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
            el.blur?.();
          } catch {
            // a payload may have broken the element; keep going
          }
        }
      }
    },
    { items, contract: CONTRACT, checkSource: elementViolations.toString() },
  );
  // Animation frames (animationstart, autofocus), then load/error events, refreshes and requests.
  await settle(page);
}
