import type { PiiFinding, PiiSeverity, PiiType } from './types.js';

const SEVERITY_RANK: Record<PiiSeverity, number> = { block: 3, sensitive: 2, warn: 1, off: 0 };
/** Tie-break between equally severe, equally long spans: the more specific type wins. */
const TYPE_RANK: Record<PiiType, number> = { SECRET: 0, IBAN: 1, CREDIT_CARD: 2, US_SSN: 3, EMAIL: 4, IP_ADDRESS: 5, PHONE: 6 };

/**
 * Keeps a set of non-overlapping findings: more severe first, then longer, then the more specific
 * type, then the earlier one. Returned sorted by start. A masked kind that loses is absorbed into
 * the masked finding it overlaps (see absorb).
 */
export function resolveOverlaps(candidates: readonly PiiFinding[]): PiiFinding[] {
  const order = [...candidates].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.end - b.start - (a.end - a.start) ||
      TYPE_RANK[a.type] - TYPE_RANK[b.type] ||
      a.start - b.start,
  );
  const kept: PiiFinding[] = []; // sorted by start, pairwise disjoint
  const lost: PiiFinding[] = [];
  for (const f of order) {
    if (f.end <= f.start) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((kept[mid] as PiiFinding).start < f.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = kept[lo - 1];
    const next = kept[lo];
    if ((prev && prev.end > f.start) || (next && next.start < f.end)) {
      if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK.sensitive) lost.push(f);
      continue;
    }
    kept.splice(lo, 0, f);
  }
  return lost.length ? absorb(kept, lost) : kept;
}

/**
 * A masked value that lost an overlap must not show through the one that won (an IBAN whose last
 * group starts a card number): the winner's span grows to cover it, so masking hides all but the
 * last four characters of both together. Findings the grown span now overlaps are merged into it.
 */
function absorb(kept: PiiFinding[], lost: readonly PiiFinding[]): PiiFinding[] {
  const out = kept.map((f) => ({ ...f }));
  for (const f of lost) {
    for (const k of out) {
      if (k.start < f.end && f.start < k.end && SEVERITY_RANK[k.severity] >= SEVERITY_RANK.sensitive) {
        k.start = Math.min(k.start, f.start);
        k.end = Math.max(k.end, f.end);
        break;
      }
    }
  }
  out.sort((a, b) => a.start - b.start);
  const merged: PiiFinding[] = [];
  for (const f of out) {
    const last = merged[merged.length - 1];
    if (last && f.start < last.end) {
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[last.severity]) merged[merged.length - 1] = { ...f, start: last.start, end: Math.max(last.end, f.end) };
      else last.end = Math.max(last.end, f.end);
    } else merged.push(f);
  }
  return merged;
}
