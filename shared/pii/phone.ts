import { before, codeAt, isDigit, isWordAt, nextOf } from './chars.js';
import { IBAN_LENGTHS } from './iban.js';
import { decideWindow, KEYWORD, PhoneValidator } from './phone-validate.js';
import type { RawMatch } from './types.js';

// Hand-written candidate extraction, libphonenumber for validity. libphonenumber's own text search
// (findPhoneNumbersInText) costs ~0.4 ms on junk such as "12 12 12 12 12 12 12" and ~100 ms on a
// 20 KB run of "1 1 1 …", so a linear pre-scan here cuts text into whitespace-separated tokens of
// phone characters, tries only windows whose digit count and grouping look like a phone number,
// and asks libphonenumber (metadata "max") only about those, with a per-call budget and a cache.

const MAX_TOKENS = 7;
/** Words that introduce an identifier rather than a phone number: "Order no. 0123-4567-89". */
const ID_CONTEXT = /(?:\border|\binvoice|\bref(?:erence)?|\bpart|\bserial|\bticket|\baccount|\bacct|\bcase|\bid|\bsku|\bitem|\btracking|\bpo|\bmodel|\bversion|\bbuild)(?:\s*(?:no\.?|nr\.?|number|#|id))?\s*[:#.=]?\s*$/;
const IBAN_HEAD = /(?:^|[^A-Za-z0-9])([A-Za-z]{2})\d{2}(?: [A-Za-z0-9]{4}){0,8} $/;

/** True when the text before `i` is the start of a grouped IBAN ("NL91 ABNA "). */
function afterIbanHead(text: string, i: number): boolean {
  const m = IBAN_HEAD.exec(text.slice(Math.max(0, i - 48), i));
  return m !== null && IBAN_LENGTHS[(m[1] as string).toUpperCase()] !== undefined;
}

interface Token {
  s: number;
  e: number;
  digits: number;
  groups: number[];
  plus: boolean;
  ok: boolean;
}

const isPhoneChar = (c: number): boolean => isDigit(c) || c === 43 || c === 40 || c === 41 || c === 45 || c === 46 || c === 47;
const isTokenGap = (c: number): boolean => c === 32 || c === 0xa0;
const CURRENCY_OR_MARK = new Set([35, 36, 37, 64, 0x20ac, 0xa3, 0xa5, 0x20b9]); // # $ % @ € £ ¥ ₹

function badNeighbour(text: string, i: number, dir: -1 | 1): boolean {
  const c = codeAt(text, i);
  if (isWordAt(text, i) || CURRENCY_OR_MARK.has(c)) return true;
  // "12:30", "1,299": digits glued by ':' or ','.
  return (c === 58 || c === 44) && isDigit(codeAt(text, i + dir));
}

function makeToken(text: string, rs: number, re: number): Token {
  let s = rs;
  let e = re;
  while (s < e && !isDigit(text.charCodeAt(s)) && text.charCodeAt(s) !== 43 && text.charCodeAt(s) !== 40) s++;
  while (e > s && !isDigit(text.charCodeAt(e - 1)) && text.charCodeAt(e - 1) !== 41) e--;
  const groups: number[] = [];
  let digits = 0;
  let run = 0;
  let ok = true;
  let prevSep = false;
  for (let k = s; k < e; k++) {
    const c = text.charCodeAt(k);
    if (isDigit(c)) {
      run++;
      digits++;
      prevSep = false;
      continue;
    }
    if (run > 0) groups.push(run);
    run = 0;
    if (c === 43 && k !== s) ok = false; // '+' only leads
    if (prevSep && c !== 40 && c !== 41 && text.charCodeAt(k - 1) !== 41) ok = false; // "1--2", "1..2"
    prevSep = true;
  }
  if (run > 0) groups.push(run);
  if (digits > 16) ok = false;
  return { s, e, digits, groups, plus: codeAt(text, s) === 43, ok };
}

/** Validates one window (tokens t..u, trimmed to s..e); returns true when it is a phone number. */
function windowIsPhone(text: string, s: number, e: number, tokens: readonly Token[], t: number, u: number, v: PhoneValidator): boolean {
  v.windowBudget--;
  const raw = text.slice(s, e);
  // Identical windows (a pasted list, or adversarial repetition) are decided once per call. Only
  // a single group of digits depends on the words before it (the phone keyword).
  const single = t === u && (tokens[t] as Token).groups.length === 1;
  const memoKey = single ? `${raw}|${KEYWORD.test(before(text, s, 24))}` : raw;
  let result = v.windows.get(memoKey);
  if (result === undefined) {
    const groups: number[] = [];
    for (let k = t; k <= u; k++) for (const g of (tokens[k] as Token).groups) groups.push(g);
    result = decideWindow(text, s, raw, groups, v);
    v.windows.set(memoKey, result);
  }
  // "Order no. 0123-4567-89": a national-format number after an identifier label is the identifier.
  return result && (raw.charCodeAt(0) === 43 || !ID_CONTEXT.test(before(text, s, 24)));
}

/** Cheap digit-count filter applied before a window is looked at in any detail. */
function plausibleCount(plus: boolean, lead: string, d: number): boolean {
  if (plus) return d >= 7 && d <= 16;
  if (lead === '00') return d >= 9 && d <= 17;
  if (lead[0] === '0') return d >= 8 && d <= 12;
  // 10 or 11: North American; 8 to 10: a national number without trunk prefix after a phone keyword.
  return d >= 8 && d <= 11;
}

function processRun(text: string, tokens: readonly Token[], v: PhoneValidator, out: RawMatch[]): void {
  for (let t = 0; t < tokens.length && !v.exhausted(); t++) {
    const first = tokens[t] as Token;
    if (!first.ok || first.digits === 0) continue;
    let fd = first.s;
    while (!isDigit(text.charCodeAt(fd))) fd++;
    // The first two digits ("00" international prefix, "0x" trunk prefix); a lone "0" or "00"
    // group never starts a number.
    const lead = text.slice(fd, fd + 2).replace(/\D/g, '');
    if (!first.plus && (first.groups[0] as number) <= 2 && first.digits === first.groups[0] && /^0+$/.test(text.slice(fd, fd + first.digits))) continue;
    // Candidate windows t..u: digit totals and group lists, built forwards.
    const sizes: number[] = [first.digits];
    let last = t;
    while (last + 1 < tokens.length && last + 1 - t < MAX_TOKENS) {
      const next = tokens[last + 1] as Token;
      if (!next.ok || next.plus || (sizes[sizes.length - 1] as number) + next.digits > 17) break;
      sizes.push((sizes[sizes.length - 1] as number) + next.digits);
      last++;
    }
    let matched = -1;
    for (let u = last; u >= t && matched < 0; u--) {
      const end = tokens[u] as Token;
      const d = sizes[u - t] as number;
      if (d < 7) break;
      if (end.digits === 0 || !plausibleCount(first.plus, lead, d)) continue;
      let s = first.s;
      let e = end.e;
      let opens = 0;
      let closes = 0;
      for (let k = s; k < e; k++) {
        const c = text.charCodeAt(k);
        if (c === 40) opens++;
        else if (c === 41) closes++;
      }
      // Unbalanced parentheses at the edges belong to the sentence: "(call 415-555-2671)".
      if (text.charCodeAt(s) === 40 && closes === 0) s++;
      if (text.charCodeAt(e - 1) === 41 && opens < closes) e--;
      if (windowIsPhone(text, s, e, tokens, t, u, v)) {
        out.push({ type: 'PHONE', start: s, end: e });
        matched = u;
      }
    }
    if (matched >= 0) t = matched;
  }
}

/**
 * Three or more space-separated blocks of exactly four digits ("0532 0130 0044 …") are an
 * account, card or IBAN number written in groups, not a phone number: none of them may be used.
 */
function rejectFourDigitBlocks(tokens: Token[]): void {
  const isBlock = (tok: Token): boolean => tok.e - tok.s === 4 && tok.digits === 4;
  for (let a = 0; a < tokens.length; ) {
    let b = a;
    while (b < tokens.length && isBlock(tokens[b] as Token)) b++;
    if (b - a >= 3) for (let k = a; k < b; k++) (tokens[k] as Token).ok = false;
    a = b > a ? b : a + 1;
  }
}

const PHONE_CHAR = /[0-9+()./-]/g;

/** Where the run of phone characters (single spaces between them allowed) at `i` ends, and its digit count. */
function phoneRunEnd(text: string, i: number): { end: number; digits: number } {
  const n = text.length;
  let digits = 0;
  for (;;) {
    for (let c = text.charCodeAt(i); i < n && isPhoneChar(c); c = text.charCodeAt(++i)) if (isDigit(c)) digits++;
    if (i + 1 < n && isTokenGap(text.charCodeAt(i)) && isPhoneChar(text.charCodeAt(i + 1))) i++;
    else return { end: i, digits };
  }
}

export function findPhones(text: string, out: RawMatch[]): void {
  const v = new PhoneValidator();
  const n = text.length;
  let i = 0;
  while (i < n && !v.exhausted()) {
    i = nextOf(PHONE_CHAR, text, i);
    if (i === -1) break;
    // Most runs (URLs, dashes, version numbers) hold fewer than seven digits: count them before
    // building any tokens, and skip such a run without allocating.
    const runEnd = phoneRunEnd(text, i);
    if (runEnd.digits < 7) {
      i = runEnd.end;
      continue;
    }
    const tokens: Token[] = [];
    const runStart = i;
    let digits = 0;
    for (;;) {
      const s = i;
      while (i < n && isPhoneChar(text.charCodeAt(i))) i++;
      const token = makeToken(text, s, i);
      digits += token.digits;
      tokens.push(token);
      if (i + 1 < n && isTokenGap(text.charCodeAt(i)) && isPhoneChar(text.charCodeAt(i + 1))) i++;
      else break;
    }
    if (digits < 7) continue; // no phone number is that short
    if (badNeighbour(text, runStart - 1, -1)) {
      (tokens[0] as Token).ok = false;
      // "DE89 3704 0044 …": the digits after an IBAN's country code are not a phone number.
      if (/^[A-Za-z]{2}$/.test(text.slice(runStart - 2, runStart)) && !isWordAt(text, runStart - 3) && (tokens[0] as Token).e - runStart === 2) {
        for (const tok of tokens) tok.ok = false;
      }
    } else if (text.charCodeAt(runStart - 1) === 32 && text.charCodeAt(runStart) !== 43 && afterIbanHead(text, runStart)) {
      // "NL91 ABNA 0417 1643 01": the rest of a (mistyped) IBAN.
      for (const tok of tokens) tok.ok = false;
    }
    if (badNeighbour(text, i, 1)) (tokens[tokens.length - 1] as Token).ok = false;
    rejectFourDigitBlocks(tokens);
    processRun(text, tokens, v, out);
  }
}
