// The personal-data detector, shared by the browser (bundled by Vite) and the server. It uses no
// Node-only API. Every scanner is linear in the input: see the notes at the top of each file for
// what is hand-written and why.
import { findCards } from './card.js';
import { findEmails } from './email.js';
import { findIbans } from './iban.js';
import { findIps } from './ip.js';
import { findPhones } from './phone.js';
import { resolveOverlaps } from './resolve.js';
import { findSecrets } from './secret.js';
import { findSsns } from './ssn.js';
import { DEFAULT_SEVERITY, type PiiFinding, type PiiSeverity, type PiiType, type RawMatch } from './types.js';

export type { PiiFinding, PiiSeverity, PiiType } from './types.js';
export { DEFAULT_SEVERITY, PII_TYPES } from './types.js';
export { maskPii } from './mask.js';

const DETECTORS: readonly [PiiType, (text: string, out: RawMatch[]) => void][] = [
  ['SECRET', findSecrets],
  ['IBAN', findIbans],
  ['CREDIT_CARD', findCards],
  ['US_SSN', findSsns],
  ['EMAIL', findEmails],
  ['IP_ADDRESS', findIps],
  ['PHONE', findPhones],
];

/**
 * Finds personal data in `text`. Findings whose severity is 'off' are omitted; the rest are
 * sorted by start and never overlap (the more severe, then the longer span wins).
 */
export function detectPii(text: string, severities?: Partial<Record<PiiType, PiiSeverity>>): PiiFinding[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const candidates: PiiFinding[] = [];
  for (const [type, find] of DETECTORS) {
    const severity = severities?.[type] ?? DEFAULT_SEVERITY[type];
    if (severity === 'off') continue;
    const raw: RawMatch[] = [];
    find(text, raw);
    for (const m of raw) if (m.type === type) candidates.push({ type, start: m.start, end: m.end, severity });
  }
  return resolveOverlaps(candidates);
}
