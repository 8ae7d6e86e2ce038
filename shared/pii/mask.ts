import { readAsShown, type TextFormat } from './as-read.js';
import type { PiiFinding, PiiType } from './types.js';

export const MASK_CHAR = '\u2022';
const KEEP = 4;

/** Separators kept as they are inside a masked span, so "4111 1111 1111 1111" keeps its shape. */
const isSeparator = (c: number): boolean => c === 32 || c === 45 || c === 9 || c === 10 || c === 13 || c === 0xa0;

function maskSpan(span: string): string {
  // Count characters by code point so a surrogate pair is one character.
  const chars: { text: string; sep: boolean }[] = [];
  for (const ch of span) chars.push({ text: ch, sep: isSeparator(ch.charCodeAt(0)) });
  let keep = KEEP;
  let out = '';
  for (let k = chars.length - 1; k >= 0; k--) {
    const { text, sep } = chars[k] as { text: string; sep: boolean };
    if (sep) out = text + out;
    else if (keep > 0) {
      keep--;
      out = text + out;
    } else out = MASK_CHAR.repeat(text.length) + out; // one bullet per code unit: the length never changes
  }
  return out;
}

/**
 * Masks the findings of the given types (default: the findings whose severity is 'sensitive'):
 * every character of the span except the last four non-separator characters becomes '•'.
 * Spaces and dashes inside the span are kept. Each masked code unit becomes one '•', so the text
 * keeps its length and every offset into it stays valid.
 */
export function maskPii(text: string, findings: readonly PiiFinding[], types?: ReadonlySet<PiiType>): string {
  const chosen = findings
    .filter((f) => (types ? types.has(f.type) : f.severity === 'sensitive'))
    .map((f) => ({ start: Math.max(0, Math.min(f.start, text.length)), end: Math.max(0, Math.min(f.end, text.length)) }))
    .filter((f) => f.end > f.start)
    .sort((a, b) => a.start - b.start);
  // Merge overlapping spans so that no character is masked twice.
  const spans: { start: number; end: number }[] = [];
  for (const f of chosen) {
    const last = spans[spans.length - 1];
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ ...f });
  }
  // Right to left, so the offsets of the spans still to do stay valid.
  let out = text;
  for (let k = spans.length - 1; k >= 0; k--) {
    const { start, end } = spans[k] as { start: number; end: number };
    out = out.slice(0, start) + maskSpan(out.slice(start, end)) + out.slice(end);
  }
  return out;
}

/**
 * Masks findings in a source as its readers see it (see ./as-read.ts): of the characters a reader
 * would see inside each finding, all but the last four that are not separators are replaced, in
 * the source, by one '•' per code unit of whatever produced them (`&#52;` becomes five bullets).
 * Markup between them (tags, table pipes, emphasis) stays, so the post keeps its structure. A
 * finding of which a reader sees nothing (inside a comment) is masked as written. Lengths are kept.
 */
export function maskPiiAsRead(text: string, findings: readonly PiiFinding[], format: TextFormat, types?: ReadonlySet<PiiType>): string {
  const chosen = findings.filter((f) => (types ? types.has(f.type) : f.severity === 'sensitive'));
  if (!chosen.length) return text;
  const reading = readAsShown(text, format);
  const { from, to } = reading;
  const hide = new Uint8Array(text.length);
  const unseen: PiiFinding[] = [];
  for (const f of chosen) {
    // The first character a reader sees at or after f.start (from[] never decreases).
    let lo = 0;
    let hi = from.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((from[mid] as number) < f.start) lo = mid + 1;
      else hi = mid;
    }
    const inside: number[] = [];
    for (let i = lo; i < from.length && (from[i] as number) < f.end; i++) {
      if ((to[i] as number) <= f.end && !isSeparator(reading.text.charCodeAt(i))) inside.push(i);
    }
    if (!inside.length) {
      unseen.push(f);
      continue;
    }
    // What no reader sees inside the value (a comment between its groups) may hold another one.
    for (let h = 0; h < reading.hidden.length; h += 2) {
      const hs = Math.max(f.start, reading.hidden[h] as number);
      const he = Math.min(f.end, reading.hidden[h + 1] as number);
      for (let p = hs; p < he; p++) if (/[0-9]/.test(text[p] as string)) hide[p] = 1;
    }
    for (let k = 0; k < inside.length - KEEP; k++) {
      const i = inside[k] as number;
      hide.fill(1, from[i] as number, to[i] as number);
    }
  }
  let out = '';
  let kept = 0; // start of the stretch of text not yet copied
  for (let p = 0; p <= text.length; p++) {
    if (p < text.length && !hide[p]) continue;
    out += text.slice(kept, p);
    if (p < text.length) out += MASK_CHAR;
    kept = p + 1;
  }
  return unseen.length ? maskPii(out, unseen, types ?? new Set(unseen.map((f) => f.type))) : out;
}
