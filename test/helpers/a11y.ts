// What the accessibility tests ask of a page: axe-core's verdict and whether it scrolls sideways.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

// Evaluated through the DevTools protocol, so the page's Content-Security-Policy stays as served.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** The page's functions used below (this project's tsconfig has no DOM lib). */
interface InPage {
  axe?: {
    run(context: unknown, options: unknown): Promise<{
      violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }>;
  };
  document: { documentElement: { scrollWidth: number } };
  innerWidth: number;
}

/**
 * axe-core's violations of `serious` or `critical` impact on the page as it is now: of every rule
 * (best practices too), or of only `rules` when given.
 */
export async function seriousViolations(page: Page, rules?: readonly string[]): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (only) => {
    const w = globalThis as unknown as InPage;
    const result = await w.axe!.run(w.document, { resultTypes: ['violations'], ...(only ? { runOnly: { type: 'rule', values: only } } : {}) });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  }, rules ? [...rules] : null);
}

/** How far the page is wider than its viewport, in CSS pixels (0: no sideways scroll). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    return Math.max(0, w.document.documentElement.scrollWidth - w.innerWidth);
  });
}

/** One line per violation, to read in a failed assertion. */
export const describeViolations = (vs: Violation[]): string[] =>
  vs.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(' | ')}${v.targets.length > 5 ? ` (+${v.targets.length - 5} more)` : ''}`);

/** The innermost elements that reach past the right edge of the viewport, to name in a failure. */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { tagName: string; id: string; className: unknown; children: ArrayLike<El>; getBoundingClientRect(): { right: number } };
    const w = globalThis as unknown as { innerWidth: number; document: { querySelectorAll(s: string): ArrayLike<El> } };
    const wide = (e: El) => e.getBoundingClientRect().right > w.innerWidth + 1;
    return Array.from(w.document.querySelectorAll('body *'))
      .filter((e) => wide(e) && !Array.from(e.children).some(wide))
      .slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.split(/\s+/).join('.')}` : ''}`);
  });
}

/**
 * What axe-core lets through: an id used twice (a label or aria-labelledby then points at the
 * first element with it, as browsers resolve it, while axe matches by the attribute alone), and a
 * form control the browser itself finds no label for.
 */
export function labellingProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { id: string; tagName: string; type?: string; labels?: ArrayLike<unknown> | null; getAttribute(n: string): string | null };
    const w = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El>; getElementById(id: string): El | null } };
    const out: string[] = [];
    const seen = new Map<string, number>();
    for (const el of Array.from(w.document.querySelectorAll('[id]'))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    for (const [id, n] of seen) if (n > 1) out.push(`id "${id}" is used ${n} times`);
    for (const el of Array.from(w.document.querySelectorAll('input, select, textarea'))) {
      if (el.type === 'hidden') continue;
      const byIds = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).some((id) => id && w.document.getElementById(id));
      if (!el.labels?.length && !el.getAttribute('aria-label')?.trim() && !byIds) out.push(`${el.tagName.toLowerCase()}#${el.id} has no label`);
    }
    return out;
  });
}

/** The relative luminance of the page's background (0 black … 1 white), to tell which palette is shown. */
export function backgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string }; document: { documentElement: unknown } };
    const [r, g, b] = (w.getComputedStyle(w.document.documentElement).backgroundColor.match(/[\d.]+/g) ?? []).map(Number);
    const lin = (c = 0) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  });
}

/** Every element the browser shows (`checkVisibility`), each as its path of tag names and index: to compare a page at two widths. */
export function shownElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { tagName: string; parentElement: El | null; children: ArrayLike<El>; checkVisibility(o?: unknown): boolean };
    const w = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } };
    const path = (e: El): string => {
      const parent = e.parentElement;
      return parent ? `${path(parent)}>${e.tagName.toLowerCase()}${Array.prototype.indexOf.call(parent.children, e)}` : e.tagName.toLowerCase();
    };
    return Array.from(w.document.querySelectorAll('body *')).filter((e) => e.checkVisibility({ visibilityProperty: true })).map(path);
  });
}
