// Controls for the browser XSS harness (test/helpers/xss-harness.ts): raw, unsanitized markup must
// set off each of its detectors, so a clean run of the corpus in xss.test.ts means something.
import { eventually } from '../helpers/eventually.js';
import { exercise, useXssHarness, type Finding, type FindingKind, type Item } from '../helpers/xss-harness.js';

const harness = useXssHarness();

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
    const { context, page } = await harness.open(findings);
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
  });

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
      const { context, page } = await harness.open(findings);
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
  });
});
