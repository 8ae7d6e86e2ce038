// The reader's side of the as-read tests (as-read*.test.ts): what a published post shows, read by
// an oracle of the tests' own (the sanitizer with no tags allowed, entities decoded, and a digit
// table that does not share the detector's folding), so a check does not share the code it checks.
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import { preparePost, type Severities } from '../../../server/content/pipeline.js';
import { DEFAULT_SEVERITY, detectPii, PII_TYPES, type PiiType } from '../../../shared/pii/index.js';

export const ALL: PiiType[] = [...PII_TYPES];
export const SEVERITIES = DEFAULT_SEVERITY as Severities;

/** The text a browser shows for sanitized post HTML: tags gone, entities decoded (the oracle). */
export function shownText(html: string): string {
  return decodeHTML(sanitizeHtml(html.replace(/<\/(td|th|p|li|tr)>/g, ' $&'), { allowedTags: [], allowedAttributes: {} }));
}

/**
 * The digits a reader reads in rendered text, by a table of its own (not the detector's folding):
 * the decimal scripts the tests use, and whatever NFKC turns into an ASCII digit.
 */
const ORACLE_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6];
const ORACLE_DINGBATS: [number, number, number][] = [[0x2776, 0x277f, 1], [0x2780, 0x2789, 1], [0x278a, 0x2793, 1], [0x24f5, 0x24fe, 1], [0x24ff, 0x24ff, 0]];
export function readerDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const zero = ORACLE_ZEROS.find((z) => cp >= z && cp < z + 10);
    const dingbat = ORACLE_DINGBATS.find(([a, b]) => cp >= a && cp <= b);
    if (zero !== undefined) out += String(cp - zero);
    else if (dingbat) out += String((dingbat[2] + cp - dingbat[0]) % 10);
    else out += ch.normalize('NFKC').replace(/[^0-9]/g, '');
  }
  return out;
}

/** The HTML a post is published as, every kind acknowledged so that nothing is refused. */
export function publish(body: string): string {
  return preparePost({ body, acknowledge: ALL }, SEVERITIES).html;
}

/** The kinds found in `text`, read as a post body unless told otherwise. */
export const typesIn = (text: string, format: 'plain' | 'markdown' = 'markdown') => detectPii(text, undefined, format).map((f) => f.type);
