import type { PiiFinding, PiiSeverity, PiiType } from './types.js';

const SEVERITY_RANK: Record<PiiSeverity, number> = { block: 3, sensitive: 2, warn: 1, off: 0 };
/** Tie-break between equally severe, equally long spans: the more specific type wins. */
const TYPE_RANK: Record<PiiType, number> = { SECRET: 0, IBAN: 1, CREDIT_CARD: 2, US_SSN: 3, EMAIL: 4, IP_ADDRESS: 5, PHONE: 6 };

/**
 * Keeps a set of non-overlapping findings: more severe first, then longer, then the more specific
 * type, then the earlier one. Returned sorted by start.
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
    if ((prev && prev.end > f.start) || (next && next.start < f.end)) continue;
    kept.splice(lo, 0, f);
  }
  return kept;
}
