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
import { readAsShown, type Reading, type TextFormat } from './as-read.js';
import { standsAlone } from './table-cells.js';
import { displayOrders } from './bidi.js';
import { DEFAULT_SEVERITY, type PiiFinding, type PiiSeverity, type PiiType, type RawMatch } from './types.js';

export type { PiiFinding, PiiSeverity, PiiType } from './types.js';
export { DEFAULT_SEVERITY, PII_TYPES } from './types.js';
export { maskPii, maskPiiAsRead } from './mask.js';
export { readAsShown, type Reading, type TextFormat } from './as-read.js';

const DETECTORS: readonly [PiiType, (text: string, out: RawMatch[]) => void][] = [
  ['SECRET', findSecrets],
  ['IBAN', findIbans],
  ['CREDIT_CARD', findCards],
  ['US_SSN', findSsns],
  ['EMAIL', findEmails],
  ['IP_ADDRESS', findIps],
  ['PHONE', findPhones],
];

const REORDERED_KINDS: readonly PiiType[] = ['CREDIT_CARD', 'US_SSN', 'IBAN'];

/**
 * The masked kinds a reading shows once its runs are laid out right to left (./bidi.ts), with
 * offsets into the reading: each finding covers every character it was made of.
 */
export function findInDisplayOrder(reading: Reading, severities?: Partial<Record<PiiType, PiiSeverity>>): PiiFinding[] {
  const out: PiiFinding[] = [];
  for (const order of displayOrders(reading)) {
    for (const type of REORDERED_KINDS) {
      for (const f of scan(order.text, severities, type)) {
        let start = Infinity;
        let end = -1;
        for (let i = f.start; i < f.end; i++) {
          start = Math.min(start, order.at[i] as number);
          end = Math.max(end, (order.at[i] as number) + 1);
        }
        out.push({ ...f, start, end });
      }
    }
  }
  return out;
}

/** Every kind has a digit, an `@` or a `key=value` somewhere (checked before a link's destination is scanned). */
const MAY_HOLD_PII = /[\p{Nd}@=]/u;

/** Runs every scanner (or only `only`'s) over `text` exactly as given. */
function scan(text: string, severities?: Partial<Record<PiiType, PiiSeverity>>, only?: PiiType): PiiFinding[] {
  const candidates: PiiFinding[] = [];
  for (const [type, find] of DETECTORS) {
    if (only && type !== only) continue;
    const severity = severities?.[type] ?? DEFAULT_SEVERITY[type];
    if (severity === 'off') continue;
    const raw: RawMatch[] = [];
    find(text, raw);
    for (const m of raw) if (m.type === type) candidates.push({ type, start: m.start, end: m.end, severity });
  }
  return candidates;
}

/**
 * Finds personal data in a text that is already as a reader sees it (folded, invisible characters
 * gone: a Reading's text). For callers that built the reading themselves.
 */
export function detectPiiInShownText(text: string, severities?: Partial<Record<PiiType, PiiSeverity>>): PiiFinding[] {
  return resolveOverlaps(scan(text, severities));
}

/**
 * Finds personal data in `text` as its readers will see it: `format` 'markdown' for post bodies
 * (Markdown with inline HTML, read after rendering: entities, comments, tags, emphasis and table
 * pipes undone), 'plain' for text shown as written (titles, bios, testimonials). In both, invisible
 * characters are ignored, every space and dash is a separator, every decimal digit script reads as
 * digits and compatibility forms (full-width `＠`, `．`) are folded. Offsets point into `text`.
 * Credentials are also looked for in the text as typed: their formats are line-based and full of
 * `_` and `*`, which the reading of Markdown turns into layout. Every other kind survives the
 * reading or only gets easier to see in it (groups joined, digits folded); only where the reading
 * left text out (a comment, a tag's insides) is the source scanned for every kind, so that what
 * the stored source keeps out of sight is masked too. Findings whose severity is 'off' are omitted; the rest are sorted by start
 * and never overlap (the more severe, then the longer span wins).
 */
export function detectPii(text: string, severities?: Partial<Record<PiiType, PiiSeverity>>, format: TextFormat = 'plain'): PiiFinding[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const reading = readAsShown(text, format);
  if (reading.identity && !reading.rightToLeft) return resolveOverlaps(scan(reading.text, severities));
  // Credentials are looked for in the text as typed; in the reading too only where a character was
  // decoded or folded there (a key written with references or invisible characters).
  const seen = scan(reading.text, reading.folded ? severities : { ...severities, SECRET: 'off' });
  const candidates = scan(text, severities, reading.hidesText ? undefined : 'SECRET');
  const tables = new Map<number, boolean>();
  for (const f of seen) {
    const mapped = { ...f, start: reading.from[f.start] as number, end: reading.to[f.end - 1] as number };
    if (format === 'plain' || standsAlone(text, mapped, reading.pipes, (cells) => scan(readAsShown(cells, 'plain').text, severities, f.type).length > 0, tables)) candidates.push(mapped);
  }
  // Digits a browser shows in another order (beside right-to-left text or after a bidi control).
  for (const f of findInDisplayOrder(reading, severities)) candidates.push({ ...f, start: reading.from[f.start] as number, end: reading.to[f.end - 1] as number });
  // A link's destination and title show apart from the text (in the status bar, as a tooltip).
  for (let k = 0; k < reading.apart.length; k += 2) {
    const s = reading.apart[k] as number;
    const raw = text.slice(s, reading.apart[k + 1]);
    if (!MAY_HOLD_PII.test(raw)) continue; // a plain address: no digit, no @, no key=value
    const apart = readAsShown(raw, 'plain');
    for (const f of scan(apart.text, severities)) candidates.push({ ...f, start: s + (apart.from[f.start] as number), end: s + (apart.to[f.end - 1] as number) });
  }
  return resolveOverlaps(candidates);
}
