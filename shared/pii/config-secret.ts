import { codeAt, isAlnum, isSpaceOrTab, isWhitespace, isWordAt, nextOf } from './chars.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Hand-written: "password=hunter2" must be told apart from code such as
// `password = getPassword()`, `password: string` or `if (password == x)`. A key=value regex
// cannot look at both sides of the separator cheaply, so each ':' / '=' is examined with bounded
// look-behind (the key, <= 64 chars) and look-ahead (the value, <= 512 chars).

const KEY_MAX = 64;
const VALUE_MAX = 512;
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey'];
const SECRET_LAST = new Set(['pwd', 'pass', 'pw', 'credentials', 'secretkeybase']);
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'private', 'signing', 'encryption', 'master', 'auth', 'client', 'app', 'consumer', 'webhook', 'license']);
const TYPES_AND_KEYWORDS = new Set([
  'string', 'number', 'boolean', 'bool', 'any', 'unknown', 'never', 'void', 'object', 'str', 'int', 'float',
  'bytes', 'bytearray', 'char', 'text', 'varchar', 'true', 'false', 'yes', 'no', 'on', 'off', 'required',
  'optional', 'string[]', 'secretstr', 'securestring', 'function', 'func', 'lambda', 'new',
]);
const CODE_LINE = /(?:^|[^\w$.])(?:const|let|var|val|final|private|public|protected|static|readonly|def|func|fn|return|if|elif|while|assert|auto|this|self)(?![\w$])/;
const IDENT_PATH = /^[A-Za-z_$][\w$]*(?:(?:\.|\?\.|::|->)[A-Za-z_$][\w$]*)+$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const UI_TEXT = /^[A-Z][a-z]+(?: [A-Za-z][a-z']*)+[.!?:…]*$/;
const VALUE_STOP = new Set(',;&()[]{}<>"\'`'.split('').map((c) => c.charCodeAt(0)));

const isKeyChar = (c: number): boolean => isAlnum(c) || c === 95 || c === 45 || c === 46;

function keyParts(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  if (!/pass|pw|secret|token|key|cred/.test(lower)) return false;
  const parts = keyParts(key);
  const last = parts[parts.length - 1];
  if (last === undefined) return false;
  if (SECRET_WORDS.some((w) => last.endsWith(w)) || SECRET_LAST.has(last)) return true;
  if (last === 'key' && parts.length >= 2) return KEY_QUALIFIERS.has(parts[parts.length - 2] as string);
  return parts.join('') === 'secretkeybase';
}

interface Key {
  start: number;
  end: number;
  /** index of the character just before the key (and its opening quote) */
  prev: number;
}

/** Reads the key that ends just before the separator at `sep`. */
function readKey(text: string, sep: number): Key | null {
  let p = sep - 1;
  for (let sp = 0; sp < 8 && isSpaceOrTab(codeAt(text, p)); sp++) p--;
  let quote = codeAt(text, p);
  if (quote === 34 || quote === 39) p--;
  else quote = -1;
  if (codeAt(text, p) === 63) return null; // TypeScript optional property: `password?: string`
  const end = p + 1;
  while (p >= 0 && end - p <= KEY_MAX + 1 && isKeyChar(text.charCodeAt(p))) p--;
  let start = p + 1;
  if (end - start > KEY_MAX || start === end) return null;
  while (start < end && (text.charCodeAt(start) === 45 || text.charCodeAt(start) === 46)) start++; // --password=…
  if (start === end) return null;
  let prev = p;
  if (quote >= 0) {
    if (codeAt(text, prev) !== quote) return null;
    prev--;
  }
  if (isWordAt(text, prev)) return null;
  return { start, end, prev };
}

function lineBefore(text: string, i: number): string {
  const from = Math.max(0, i - 120);
  const nl = text.lastIndexOf('\n', i - 1);
  return text.slice(Math.max(from, nl + 1), i);
}

function prevNonSpace(text: string, i: number): number {
  let p = i;
  for (let k = 0; k < 16 && isSpaceOrTab(codeAt(text, p)); k++) p--;
  return codeAt(text, p);
}

/** After an unquoted value introduced by ':', the rest of the line must not read like prose. */
function endsLikeConfig(text: string, e: number): boolean {
  let p = e;
  while (isSpaceOrTab(codeAt(text, p))) p++;
  const c = codeAt(text, p);
  if (c < 0 || c === 10 || c === 13 || c === 35 || c === 59 || c === 44 || c === 125 || c === 93) return true;
  let w = p;
  while (w < text.length && w - p < 64 && !isWhitespace(text.charCodeAt(w))) w++;
  const word = text.slice(p, w);
  return word.includes('=') || word.endsWith(':') || word.startsWith('-');
}

function unquotedValueOk(text: string, key: Key, sep: string, v: number, e: number): boolean {
  const value = text.slice(v, e);
  if (value.length < 3 || isPlaceholder(value)) return false;
  const next = codeAt(text, e);
  if (next === 40 || next === 41 || next === 91) return false; // call, argument list, index
  const first = value.charCodeAt(0);
  if (first === 36 || first === 64 || first === 37 || first === 33 || first === 42 || first === 38 || first === 124) return false; // $var @x %s !tag *alias &anchor |
  const lower = value.toLowerCase();
  if (TYPES_AND_KEYWORDS.has(lower) || IDENT_PATH.test(value)) return false;
  if (next === 59) return false; // statement terminator: code
  const line = lineBefore(text, key.start);
  if (CODE_LINE.test(line)) return false;
  if (sep === ':') {
    const p = prevNonSpace(text, key.prev);
    if (p === 123 || p === 44 || p === 40) return false; // object literal / argument: `{ password: pwd }`
    if (!endsLikeConfig(text, e)) return false;
  }
  if (sep === ':=' && IDENT.test(value)) return false;
  return true;
}

const AUTH_HEADER = /^(?:proxy-)?authorization$/i;
const AUTH_SCHEME = /^(?:basic|bearer|token|digest|apikey|api-key) +/i;

/** "Authorization: Bearer abc…" (an HTTP header, e.g. in a curl command): the credentials after the scheme. */
function authCredentials(text: string, from: number): [number, number] | null {
  let p = from;
  while (isSpaceOrTab(codeAt(text, p))) p++;
  const scheme = AUTH_SCHEME.exec(text.slice(p, p + 16));
  if (scheme === null) return null;
  const s = p + scheme[0].length;
  let e = s;
  while (e < text.length && e - s <= VALUE_MAX && !isWhitespace(text.charCodeAt(e)) && !VALUE_STOP.has(text.charCodeAt(e))) e++;
  const value = text.slice(s, e);
  return value.length >= 8 && !isPlaceholder(value) && !IDENT_PATH.test(value) ? [s, e] : null;
}

function quotedValueOk(value: string): boolean {
  return value.length >= 3 && !isPlaceholder(value) && !UI_TEXT.test(value) && !value.includes('\n');
}

// Only ':' and '=' start a candidate; the scan jumps between them (see nextOf).
const SEPARATOR = /[:=]/g;

export function findConfigSecrets(text: string, out: RawMatch[]): void {
  const n = text.length;
  const keyVerdicts = new Map<string, boolean>();
  for (let i = nextOf(SEPARATOR, text, 0); i !== -1; i = nextOf(SEPARATOR, text, i + 1)) {
    const c = text.charCodeAt(i);
    const next = codeAt(text, i + 1);
    const prev = codeAt(text, i - 1);
    let sep: string;
    if (c === 58) {
      if (next === 58 || prev === 58) continue; // "::"
      sep = next === 61 ? ':=' : ':';
    } else {
      if (next === 61 || '=!<>+-*/%&|^~?:'.includes(String.fromCharCode(prev))) continue; // ==, !=, <=, +=, …
      sep = next === 62 ? '=>' : '=';
    }
    const key = readKey(text, i);
    if (key === null) continue;
    const keyText = text.slice(key.start, key.end);
    if (sep === ':' && AUTH_HEADER.test(keyText)) {
      const cred = authCredentials(text, i + 1);
      if (cred !== null) {
        out.push({ type: 'SECRET', start: cred[0], end: cred[1] });
        i = cred[1] - 1;
      }
      continue;
    }
    let secretKey = keyVerdicts.get(keyText);
    if (secretKey === undefined) keyVerdicts.set(keyText, (secretKey = isSecretKey(keyText)));
    if (!secretKey) continue;
    let v = i + sep.length;
    for (let sp = 0; sp < 8 && isSpaceOrTab(codeAt(text, v)); sp++) v++;
    const q = codeAt(text, v);
    if (q === 34 || q === 39 || q === 96) {
      let p = v + 1;
      const limit = Math.min(n, p + VALUE_MAX);
      while (p < limit && text.charCodeAt(p) !== q && text.charCodeAt(p) !== 10) p += text.charCodeAt(p) === 92 ? 2 : 1;
      if (codeAt(text, p) !== q) continue;
      if (quotedValueOk(text.slice(v + 1, p))) out.push({ type: 'SECRET', start: v + 1, end: p });
      i = p; // a quoted string holds no further key: skipping it keeps the scan linear
      continue;
    }
    if (sep === '=>') continue;
    let e = v;
    const limit = Math.min(n, v + VALUE_MAX + 1);
    while (e < limit && !isWhitespace(text.charCodeAt(e)) && !VALUE_STOP.has(text.charCodeAt(e))) e++;
    if (e - v > VALUE_MAX) {
      i = e - 1;
      continue;
    }
    const valueEnd = e;
    // Trailing sentence punctuation is not part of the value.
    while (e > v && '.:!?'.includes(text[e - 1] as string)) e--;
    if (unquotedValueOk(text, key, sep, v, e)) out.push({ type: 'SECRET', start: v, end: e });
    // Whatever the verdict, the value's characters are not looked at again (linear scan).
    if (valueEnd > v) i = valueEnd - 1;
  }
}
