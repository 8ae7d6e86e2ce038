// Every vector of the XSS corpus, rendered with renderPostBody, in a real Chromium page with no
// Content-Security-Policy (test/helpers/xss-harness.ts): none may run, fetch, navigate or leave the
// allowlist. The same corpus without the sanitizer shows the vectors are live and seen.
import MarkdownIt from 'markdown-it';
import { renderPostBody } from '../../server/content/render.js';
import { artifact } from '../helpers/browser.js';
import { useXssHarness, type Finding, type FindingKind } from '../helpers/xss-harness.js';
import { XSS_VECTORS, type XssVector } from './xss-vectors.js';

const SCREENSHOT = artifact('xss.png');

/** Behaviour, as opposed to mere shape: these mean a payload had an effect. */
const EFFECTS: ReadonlySet<FindingKind> = new Set([
  'xss-call', 'dialog', 'external-request', 'same-origin-request', 'navigation', 'popup', 'bad-href-click', 'form-submit',
]);

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

const harness = useXssHarness();

describe('XSS in a real browser (Chromium, no CSP)', () => {
  it('most vectors really fire when the sanitizer is bypassed (control)', async () => {
    // Markdown rendered without the sanitizer: proves the corpus is live and
    // the detectors see it, i.e. the clean run below is not clean by accident.
    const unsafe = new MarkdownIt('default', { html: true, linkify: true });
    const findings = await harness.runBatches(XSS_VECTORS, (v) => unsafe.render(v.source));
    const fired = new Set(findings.filter((f) => EFFECTS.has(f.kind) && f.id !== undefined && f.id > 0).map((f) => f.id));
    const executed = new Set(findings.filter((f) => (f.kind === 'xss-call' || f.kind === 'dialog') && f.id !== undefined && f.id > 0).map((f) => f.id));
    const external = new Set(findings.filter((f) => f.kind === 'external-request' && f.id !== undefined && f.id > 0).map((f) => f.id));
    console.log(`sanitizer bypassed: ${fired.size}/${XSS_VECTORS.length} vectors had an observable effect (${executed.size} executed script, ${external.size} fetched evil.example)`);
    expect(executed.size).toBeGreaterThanOrEqual(100);
    expect(external.size).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it(`no vector executes, fetches, navigates or escapes the allowlist after renderPostBody (${XSS_VECTORS.length} vectors)`, async () => {
    // Interleaved so the screenshot of the first batch shows every family.
    const findings = await harness.runBatches(interleaveFamilies(XSS_VECTORS), (v) => renderPostBody(v.source), SCREENSHOT);
    expect(summarize(findings)).toBe('');
  }, 120_000);
});
