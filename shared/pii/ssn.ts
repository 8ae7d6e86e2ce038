import { before, codeAt, isDigit, isWordAt, nextDigit } from './chars.js';
import type { RawMatch } from './types.js';

// Hand-written: the SSA validity rules (area 000/666/900-999, group 00, serial 0000) and the
// "bare nine digits only after an SSN keyword" rule are checks, not patterns.

const KEYWORD = /(?:\bssn|\bss#|\bsocial security(?: number| no\.?| #)?)\s*(?:#|no\.?|number|nr\.?)?\s*(?:is|was|=|:|-)?\s*[:#=]?\s*$/;
// Numbers the SSA voided after they were printed in advertising.
const VOIDED = new Set(['078051120', '219099999']);

export function validSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !VOIDED.has(area + group + serial);
}

function digitRun(text: string, i: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (!isDigit(codeAt(text, i + k))) return false;
  return true;
}

const badBefore = (text: string, i: number): boolean => {
  const c = codeAt(text, i - 1);
  return isWordAt(text, i - 1) || c === 43 || c === 35 || c === 36 || ((c === 45 || c === 46 || c === 44 || c === 47 || c === 58) && isDigit(codeAt(text, i - 2)));
};
const badAfter = (text: string, e: number): boolean => {
  const c = codeAt(text, e);
  return isWordAt(text, e) || ((c === 45 || c === 46 || c === 44 || c === 47 || c === 58) && isDigit(codeAt(text, e + 1)));
};

export function findSsns(text: string, out: RawMatch[]): void {
  for (let i = nextDigit(text, 0); i !== -1; i = nextDigit(text, i + 1)) {
    if (isDigit(codeAt(text, i - 1)) || isWordAt(text, i - 1)) continue;
    let end = -1;
    let parts: [string, string, string] | null = null;
    const sep = codeAt(text, i + 3);
    if (!badBefore(text, i) && digitRun(text, i, 3) && (sep === 45 || sep === 32) && digitRun(text, i + 4, 2) && codeAt(text, i + 6) === sep && digitRun(text, i + 7, 4)) {
      end = i + 11;
      parts = [text.slice(i, i + 3), text.slice(i + 4, i + 6), text.slice(i + 7, i + 11)];
    } else if (sep === 46 && !badBefore(text, i) && digitRun(text, i, 3) && digitRun(text, i + 4, 2) && codeAt(text, i + 6) === 46 && digitRun(text, i + 7, 4) && KEYWORD.test(before(text, i, 40))) {
      // Dotted, "123.45.6789", only after an SSN keyword: dotted digit groups are too often something else.
      end = i + 11;
      parts = [text.slice(i, i + 3), text.slice(i + 4, i + 6), text.slice(i + 7, i + 11)];
    } else if (digitRun(text, i, 9) && !isDigit(codeAt(text, i + 9)) && KEYWORD.test(before(text, i, 40))) {
      end = i + 9;
      parts = [text.slice(i, i + 3), text.slice(i + 3, i + 5), text.slice(i + 5, i + 9)];
    }
    if (parts === null || isDigit(codeAt(text, end)) || badAfter(text, end)) continue;
    if (!validSsn(...parts)) continue;
    out.push({ type: 'US_SSN', start: i, end });
    i = end - 1;
  }
}
