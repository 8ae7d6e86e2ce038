import { detectPii } from '../../../shared/pii/index.js';
import type { PiiFinding } from '../../../shared/pii/types.js';
import { ADVERSARIAL_LENGTH, ADVERSARIAL_UNITS, EVERY_KIND, fillWith } from '../../fixtures/pii/adversarial-inputs.js';

// What the scan finds in inputs built to make scanners backtrack. How long it takes is measured by
// `npm run bench -- pipeline`, not here: a test on a busy machine measures its neighbours.

const spans = (findings: PiiFinding[], shift = 0) => findings.map((f) => ({ type: f.type, start: f.start + shift, end: f.end + shift }));

describe('adversarial input', () => {
  test.each(ADVERSARIAL_UNITS.map((u) => [u]))('a scan of 20,000 characters of %j reports findings in order, apart and inside the text', (unit) => {
    const findings = detectPii(fillWith(unit));
    let end = 0;
    for (const f of findings) {
      expect(f.start).toBeGreaterThanOrEqual(end);
      expect(f.end).toBeGreaterThan(f.start);
      end = f.end;
    }
    expect(end).toBeLessThanOrEqual(ADVERSARIAL_LENGTH);
  });

  test('a 20,000-character paste of every kind of finding, repeated, has each copy found in full', () => {
    const text = fillWith(EVERY_KIND);
    const whole = Math.floor(ADVERSARIAL_LENGTH / EVERY_KIND.length);
    const one = detectPii(EVERY_KIND);
    expect(one).toHaveLength(10);
    const expected = Array.from({ length: whole }, (_, k) => spans(one, k * EVERY_KIND.length)).flat();
    expected.push(...spans(detectPii(text.slice(whole * EVERY_KIND.length)), whole * EVERY_KIND.length));
    expect(spans(detectPii(text))).toEqual(expected);
  });
});
