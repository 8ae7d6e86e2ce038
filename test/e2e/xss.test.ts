// Browser half of the XSS suite: every vector is rendered with renderPostBody
// and inserted into a real Chromium page with innerHTML, the way the client
// does it, on a page with NO Content-Security-Policy (the sanitizer must hold
// on its own). The harness then pokes every element and watches for:
//   - script execution: window.__xss(id), alert/confirm/prompt/print, dialogs
//   - any request other than the test page itself (off-origin ones aborted)
//   - navigation of the main frame, popups, new frames, form submissions,
//     clicks on links whose scheme is not http/https/mailto
//   - any element or attribute in the live DOM outside the allowlist
// Control tests feed the same harness raw, unsanitized markup and assert it
// catches each kind of failure, so a green run means something.

import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { renderPostBody } from '../../server/content/render.js';
import { eventually } from '../helpers/eventually.js';
import { settle, trackRequests } from '../helpers/page-settle.js';
import { CONTRACT, elementViolations } from '../unit/content/allowlist.js';
import { XSS_VECTORS, type XssVector } from './xss-vectors.js';

const CHROMIUM = '/usr/bin/chromium';
const BATCH_SIZE = 100;
const SCREENSHOT = path.join(__dirname, '..', 'artifacts', 'xss.png');

type FindingKind =
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

interface Finding {
  kind: FindingKind;
  /** Vector id, when the evidence names one. */
  id: number | undefined;
  detail: string;
}

/** Behaviour, as opposed to mere shape: these mean a payload had an effect. */
const EFFECTS: ReadonlySet<FindingKind> = new Set([
  'xss-call', 'dialog', 'external-request', 'same-origin-request', 'navigation', 'popup', 'bad-href-click', 'form-submit',
]);

/** The vector id a remote URL names (payload URLs are https://evil.example/<id>/...). */
function idFromUrl(url: string): number | undefined {
  const m = /^https?:\/\/evil\.example\/(-?\d+)/.exec(url);
  return m ? Number(m[1]) : undefined;
}

/** The vector id a payload passed to __xss/alert (e.g. "42" or "alert:42"). */
function idFromArg(arg: string): number | undefined {
  const m = /(-?\d+)\s*$/.exec(arg);
  return m ? Number(m[1]) : undefined;
}

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>xss harness</title>
<style>
  body { font: 12px/1.3 sans-serif; margin: 8px; }
  section { border-top: 1px solid #ccc; padding: 2px 0; }
  .label { color: #888; font: 10px monospace; }
  .post { max-height: 120px; overflow: hidden; }
</style></head>
<body><main id="root"></main></body></html>`;

// Runs in every frame before any page script: dialogs report instead of blocking.
const INIT_SCRIPT = `(() => {
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = function (arg) {
      try { window.__xss(name + ':' + String(arg)); } catch (e) {}
      return name === 'confirm' ? false : name === 'prompt' ? null : undefined;
    };
  }
})();`;

interface Item {
  id: number;
  label: string;
  html: string;
}

let browser: Browser;
let server: http.Server;
let pageUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install the distribution's chromium package (this suite never downloads browsers)`);
  }
  server = http.createServer((req, res) => {
    if (req.url === '/') {
      // Deliberately no Content-Security-Policy header.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE_HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/**
 * Opens a fresh context + page on the test origin with every detector armed.
 * A fresh context per batch keeps one batch's side effects (a <base>, a
 * refresh) from leaking into the next.
 */
async function openHarness(findings: Finding[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const origin = new URL(pageUrl).origin;
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === pageUrl) return route.continue();
    if (!url.endsWith('/favicon.ico')) {
      let sameOrigin = false;
      try {
        sameOrigin = new URL(url).origin === origin;
      } catch {
        // data:, blob: and friends are off-origin for our purposes
      }
      findings.push({ kind: sameOrigin ? 'same-origin-request' : 'external-request', id: idFromUrl(url), detail: url.slice(0, 200) });
    }
    return route.abort();
  });
  await context.exposeBinding('__xss', (_source, arg: unknown) => {
    findings.push({ kind: 'xss-call', id: idFromArg(String(arg)), detail: String(arg) });
  });
  await context.exposeBinding('__harness', (_source, kind: FindingKind, id: number | undefined, detail: string) => {
    findings.push({ kind, id, detail });
  });
  await context.addInitScript(INIT_SCRIPT);

  const page = await context.newPage();
  trackRequests(page);
  let ready = false;
  context.on('page', (p) => {
    if (p !== page) findings.push({ kind: 'popup', id: idFromUrl(p.url()), detail: p.url() });
  });
  page.on('dialog', (dialog) => {
    findings.push({ kind: 'dialog', id: idFromArg(dialog.message()), detail: `${dialog.type()}: ${dialog.message()}` });
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('frameattached', (frame) => {
    if (ready) findings.push({ kind: 'frame', id: undefined, detail: frame.url() || frame.name() || '(frame)' });
  });
  page.on('framenavigated', (frame) => {
    if (ready && frame === page.mainFrame()) findings.push({ kind: 'navigation', id: idFromUrl(frame.url()), detail: frame.url() });
  });
  await page.goto(pageUrl);
  ready = true;
  return { context, page };
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
async function exercise(page: Page, items: Item[], findings: Finding[]): Promise<void> {
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

async function runBatches(vectors: readonly XssVector[], toHtml: (v: XssVector) => string, screenshot?: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (let start = 0; start < vectors.length; start += BATCH_SIZE) {
    const batch = vectors.slice(start, start + BATCH_SIZE);
    const { context, page } = await openHarness(findings);
    try {
      const items = batch.map((v) => ({ id: v.id, label: `#${v.id} ${v.category}`, html: toHtml(v) }));
      await exercise(page, items, findings);
      if (screenshot && start === 0) {
        mkdirSync(path.dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: true });
      }
    } catch (error) {
      // A destroyed context (the page navigated away mid-batch) is itself evidence.
      findings.push({ kind: 'navigation', id: undefined, detail: `batch ${start}: ${(error as Error).message.split('\n')[0]}` });
    } finally {
      await context.close();
    }
  }
  return findings;
}

/** Round-robin over the top-level families, so any prefix is a cross-section. */
function interleaveFamilies(vectors: readonly XssVector[]): XssVector[] {
  const families = new Map<string, XssVector[]>();
  for (const v of vectors) {
    const family = v.category.split('/')[0] ?? '';
    families.set(family, [...(families.get(family) ?? []), v]);
  }
  const queues = [...families.values()];
  const out: XssVector[] = [];
  for (let i = 0; out.length < vectors.length; i++) {
    for (const queue of queues) if (i < queue.length) out.push(queue[i] as XssVector);
  }
  return out;
}

function summarize(findings: Finding[]): string {
  const bySource = new Map(XSS_VECTORS.map((v) => [v.id, v]));
  return findings
    .slice(0, 40)
    .map((f) => {
      const v = f.id === undefined ? undefined : bySource.get(f.id);
      return `${f.kind} #${f.id ?? '?'} ${f.detail}${v ? `\n    source: ${JSON.stringify(v.source).slice(0, 200)}` : ''}`;
    })
    .join('\n');
}

describe('XSS in a real browser (Chromium, no CSP)', () => {
  it('the harness detects execution, dialogs, off-origin fetches, bad links and DOM outside the allowlist (control)', async () => {
    // Raw markup, NOT through renderPostBody; one container per case so each
    // detection is attributed to the case that caused it.
    const raw: Item[] = [
      [-1, '<img src="x" onerror="window.__xss(-1)">'],
      [-2, '<img src="https://evil.example/-2/control.png">'],
      [-3, '<a href="javascript:window.__xss(-3)">js link</a>'],
      [-4, '<p onmouseover="alert(-4)">hover</p>'],
      [-6, '<div style="background:url(https://evil.example/-6/bg.png)">css</div>'],
    ].map(([id, html]) => ({ id: id as number, label: `control ${id}: raw markup`, html: html as string }));
    const findings: Finding[] = [];
    const { context, page } = await openHarness(findings);
    try {
      await exercise(page, raw, findings);
    } finally {
      await context.close();
    }
    const has = (kind: FindingKind, id: number) => findings.some((f) => f.kind === kind && f.id === id);
    expect({
      onerror: has('xss-call', -1),
      remoteImage: has('external-request', -2),
      jsHrefClicked: has('bad-href-click', -3),
      jsHrefExecuted: has('xss-call', -3),
      alertOnHover: findings.some((f) => f.kind === 'xss-call' && f.detail === 'alert:-4'),
      cssFetch: has('external-request', -6),
      domContract: findings.some((f) => f.kind === 'dom-contract' && /<img>|onerror|style/.test(f.detail)),
    }).toEqual({ onerror: true, remoteImage: true, jsHrefClicked: true, jsHrefExecuted: true, alertOnHover: true, cssFetch: true, domContract: true });
  }, 30_000);

  it('the harness detects navigation, popups, frames and native dialogs (control)', async () => {
    const cases: Array<[FindingKind, string]> = [
      // (A navigation to another URL is caught earlier, as an aborted request.)
      ['navigation', '<img src="x" onerror="location.reload()">'],
      ['navigation', '<img src="x" onerror="location.hash=\'moved\'">'],
      ['popup', '<img src="x" onerror="window.open(\'https://evil.example/-7/\')">'],
      ['frame', '<iframe src="about:blank"></iframe>'],
      // A frame with its own fresh realm; whether its alert is our override
      // (xss-call) or native (dialog), one of the two must fire.
      ['xss-call', '<iframe srcdoc="<script>alert(-8)</script>"></iframe>'],
    ];
    for (const [kind, html] of cases) {
      const findings: Finding[] = [];
      const { context, page } = await openHarness(findings);
      try {
        await exercise(page, [{ id: -9, label: `control: ${kind}`, html }], findings);
      } catch {
        // navigation may destroy the execution context; that is the point
      }
      // A reload commits after the page's own scripts are gone: wait for the harness to see it.
      const seen = () => new Set(findings.map((f) => f.kind));
      await eventually(() => (kind === 'xss-call' ? seen().has('xss-call') || seen().has('dialog') : seen().has(kind)), { what: `the harness sees ${kind}` });
      await context.close();
    }
  }, 30_000);

  it('most vectors really fire when the sanitizer is bypassed (control)', async () => {
    // Markdown rendered without the sanitizer: proves the corpus is live and
    // the detectors see it, i.e. the clean run below is not clean by accident.
    const unsafe = new MarkdownIt('default', { html: true, linkify: true });
    const findings = await runBatches(XSS_VECTORS, (v) => unsafe.render(v.source));
    const fired = new Set(findings.filter((f) => EFFECTS.has(f.kind) && f.id !== undefined && f.id > 0).map((f) => f.id));
    const executed = new Set(findings.filter((f) => (f.kind === 'xss-call' || f.kind === 'dialog') && f.id !== undefined && f.id > 0).map((f) => f.id));
    const external = new Set(findings.filter((f) => f.kind === 'external-request' && f.id !== undefined && f.id > 0).map((f) => f.id));
    console.log(`sanitizer bypassed: ${fired.size}/${XSS_VECTORS.length} vectors had an observable effect (${executed.size} executed script, ${external.size} fetched evil.example)`);
    expect(executed.size).toBeGreaterThanOrEqual(100);
    expect(external.size).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it(`no vector executes, fetches, navigates or escapes the allowlist after renderPostBody (${XSS_VECTORS.length} vectors)`, async () => {
    // Interleaved so the screenshot of the first batch shows every family.
    const findings = await runBatches(interleaveFamilies(XSS_VECTORS), (v) => renderPostBody(v.source), SCREENSHOT);
    expect(summarize(findings)).toBe('');
  }, 120_000);
});
