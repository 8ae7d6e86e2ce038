// The browser half of the XSS suite: markup is inserted into a real Chromium page with innerHTML,
// the way the client does it, on a page with NO Content-Security-Policy (the sanitizer must hold
// on its own). The harness then pokes every element (test/helpers/xss-page.ts) and watches for:
//   - script execution: window.__xss(id), alert/confirm/prompt/print, dialogs
//   - any request other than the test page itself (off-origin ones aborted)
//   - navigation of the main frame, popups, new frames, form submissions,
//     clicks on links whose scheme is not http/https/mailto
//   - any element or attribute in the live DOM outside the allowlist
// test/e2e/xss-harness.test.ts feeds it raw, unsanitized markup and asserts it catches each kind
// of failure, so a green run of test/e2e/xss.test.ts means something.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { XssVector } from '../e2e/xss-vectors.js';
import { launchBrowser } from './browser.js';
import { trackRequests } from './page-settle.js';
import { exercise, type Finding, type FindingKind } from './xss-page.js';

export { exercise, type Finding, type FindingKind, type Item } from './xss-page.js';

const BATCH_SIZE = 100;

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

export interface XssHarness {
  /**
   * Opens a fresh context + page on the test origin with every detector armed.
   * A fresh context per batch keeps one batch's side effects (a <base>, a
   * refresh) from leaking into the next.
   */
  open(findings: Finding[]): Promise<{ context: BrowserContext; page: Page }>;
  /** Every vector, as `toHtml` makes it, through the harness in batches; a screenshot of the first batch if asked. */
  runBatches(vectors: readonly XssVector[], toHtml: (v: XssVector) => string, screenshot?: string): Promise<Finding[]>;
  close(): Promise<void>;
}

/** Serves the harness page on a port of its own and starts Chromium. */
async function startXssHarness(): Promise<XssHarness> {
  const browser = await launchBrowser();
  const server = http.createServer((req, res) => {
    if (req.url === '/') {
      // Deliberately no Content-Security-Policy header.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE_HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  async function open(findings: Finding[]): Promise<{ context: BrowserContext; page: Page }> {
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

  async function runBatches(vectors: readonly XssVector[], toHtml: (v: XssVector) => string, screenshot?: string): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (let start = 0; start < vectors.length; start += BATCH_SIZE) {
      const batch = vectors.slice(start, start + BATCH_SIZE);
      const { context, page } = await open(findings);
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

  async function close(): Promise<void> {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }

  return { open, runBatches, close };
}

/** Starts the harness before this file's tests and stops it after them; its methods work inside a test. */
export function useXssHarness(): Omit<XssHarness, 'close'> {
  let harness: XssHarness | undefined;
  beforeAll(async () => {
    harness = await startXssHarness();
  }, 60_000);
  afterAll(() => harness?.close());
  const started = (): XssHarness => {
    if (!harness) throw new Error('the XSS harness has not started (useXssHarness() belongs at the top of a test file)');
    return harness;
  };
  return {
    open: (findings) => started().open(findings),
    runBatches: (vectors, toHtml, screenshot) => started().runBatches(vectors, toHtml, screenshot),
  };
}
