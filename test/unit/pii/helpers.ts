import { DEFAULT_SEVERITY, detectPii, type PiiType } from '../../../shared/pii/index.js';

/** Offsets of `value` inside `text`; the value must occur exactly once so the span is unambiguous. */
export function spanOf(text: string, value: string): { start: number; end: number } {
  const start = text.indexOf(value);
  if (start < 0) throw new Error(`test case: ${JSON.stringify(value)} is not in ${JSON.stringify(text)}`);
  if (text.indexOf(value, start + 1) >= 0) throw new Error(`test case: ${JSON.stringify(value)} occurs twice in ${JSON.stringify(text)}`);
  return { start, end: start + value.length };
}

/** Asserts that `text` holds exactly one finding: `value`, of `type`, at its exact offsets. */
export function expectExactlyOne(text: string, type: PiiType, value: string): void {
  const { start, end } = spanOf(text, value);
  const findings = detectPii(text);
  // Readable diff first, then the exact objects.
  expect(findings.map((f) => [f.type, text.slice(f.start, f.end)])).toEqual([[type, value]]);
  expect(findings).toEqual([{ type, start, end, severity: DEFAULT_SEVERITY[type] }]);
}

/** Asserts that nothing at all is found in `text`. */
export function expectNothing(text: string): void {
  expect(detectPii(text).map((f) => [f.type, text.slice(f.start, f.end)])).toEqual([]);
}
