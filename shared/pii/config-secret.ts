import { codeAt, isAlnum, isSpaceOrTab, isWhitespace, isWordAt, nextOf } from './chars.js';
import { looksLikeCredential, nameVerdict, type NameVerdict } from './config-secret-names.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Hand-written: "password=hunter2" must be told apart from code such as
// `password = getPassword()`, `password: string` or `if (password == x)`. A key=value regex
// cannot look at both sides of the separator cheaply, so each ':' / '=' is examined with bounded
// look-behind (the key, <= 64 chars) and look-ahead (the value, <= 512 chars).

const KEY_MAX = 64;
const VALUE_MAX = 512;
const TYPES_AND_KEYWORDS = new Set([
  'string', 'number', 'boolean', 'bool', 'any', 'unknown', 'never', 'void', 'object', 'str', 'int', 'float',
  'bytes', 'bytearray', 'char', 'text', 'varchar', 'true', 'false', 'yes', 'no', 'on', 'off', 'required',
  'optional', 'string[]', 'secretstr', 'securestring', 'function', 'func', 'lambda', 'new', 'async', 'await',
  'typeof', 'require', 'import', 'class', 'yield', 'include', 'same-origin', 'omit', // fetch's `credentials` option
]);
const CODE_LINE = /(?:^|[^\w$.])(?:const|let|var|val|final|private|public|protected|static|readonly|def|func|fn|return|if|elif|while|assert|auto|this|self)(?![\w$])/;
const IDENT_PATH = /^[A-Za-z_$][\w$]*(?:(?:\.|\?\.|::|->)[A-Za-z_$][\w$]*)+$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const UI_TEXT = /^[A-Z][a-z]+(?: [A-Za-z][a-z']*)+[.!?:…]*$/;
// A sentence rather than a passphrase: words with a comma between them.
const PROSE = /^[A-Za-z']+(?: [A-Za-z']+)*, [A-Za-z']+(?: [A-Za-z']+)+$/;
// An identifier made of words, as code names a variable: `formTokenSchema`, `userPassword`.
const CAMEL_WORDS = /^[a-z]+(?:[A-Z][a-z]+)+$/;
const VALUE_STOP = new Set(',;&()[]{}<>"\'`'.split('').map((c) => c.charCodeAt(0)));

const CONNECTION_STOP = new Set(';"\''.split('').map((c) => c.charCodeAt(0)));
const NAME_BEFORE = /name:\s?["']?([\w.-]{1,64})["']?\s?,\s?$/;
const NAME_LINE = /^\s*-?\s*name:\s?["']?([\w.-]{1,64})["']?\s*$/;

/**
 * `value:` takes its meaning from the `name:` beside it, as in a Kubernetes env list
 * (`- name: DB_PASSWORD` then `value: …`) or `{ name: API_TOKEN, value: … }`.
 */
function nameOfValue(text: string, key: Key): NameVerdict {
  const line = lineBefore(text, key.start);
  const same = NAME_BEFORE.exec(line);
  if (same) return nameVerdict(same[1] as string);
  const lineStart = key.start - line.length;
  if (lineStart === 0 || line.length === 120) return 'none';
  const previous = NAME_LINE.exec(lineBefore(text, lineStart - 1));
  return previous ? nameVerdict(previous[1] as string) : 'none';
}

const isKeyChar = (c: number): boolean => isAlnum(c) || c === 95 || c === 45 || c === 46;
// A file path or a URL names where a secret is, not the secret (credentials inside a URL are
// found by the URL scanner).
const PATH_OR_URL = /^(?:\/|~\/|\.\.?\/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*:\/\/)/i;

/** What every value under a secret-sounding name must pass, quoted or not. */
function valueOk(value: string, verdict: NameVerdict): boolean {
  if (isPlaceholder(value) || PATH_OR_URL.test(value) || TYPES_AND_KEYWORDS.has(value.toLowerCase())) return false;
  return verdict === 'secret' || looksLikeCredential(value);
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

/** The line up to `i`, at most 120 characters of it (a bounded look-back keeps the scan linear). */
function lineBefore(text: string, i: number): string {
  const from = Math.max(0, i - 120);
  let p = i - 1;
  while (p >= from && text.charCodeAt(p) !== 10) p--;
  return text.slice(p + 1, i);
}

function prevNonSpace(text: string, i: number): number {
  let p = i;
  for (let k = 0; k < 16 && isSpaceOrTab(codeAt(text, p)); k++) p--;
  return codeAt(text, p);
}

/** After an unquoted value introduced by ':', the rest of the line must not read like prose. */
function endsLikeConfig(text: string, key: Key, e: number): boolean {
  let p = e;
  while (isSpaceOrTab(codeAt(text, p))) p++;
  const c = codeAt(text, p);
  if (c < 0 || c === 10 || c === 13 || c === 35 || c === 59 || c === 44 || c === 125 || c === 93) return true;
  if ((c === 34 || c === 39) && codeAt(text, key.prev) === c) return true; // a quoted header: curl -H "X-Api-Key: …"
  let w = p;
  while (w < text.length && w - p < 64 && !isWhitespace(text.charCodeAt(w))) w++;
  const word = text.slice(p, w);
  return word.includes('=') || word.endsWith(':') || word.startsWith('-');
}

/** `Password=…;` inside `Server=…;User ID=…;Password=…;Encrypt=true`, not a statement ending in ';'. */
function inConnectionString(text: string, key: Key, e: number): boolean {
  if (codeAt(text, key.prev) === 59) return true;
  let w = e + 1;
  while (w < text.length && w - e < 64 && (isKeyChar(text.charCodeAt(w)) || text.charCodeAt(w) === 32)) w++;
  return codeAt(text, w) === 61 && w > e + 1;
}

function unquotedValueOk(text: string, key: Key, sep: string, v: number, e: number, verdict: NameVerdict): boolean {
  const value = text.slice(v, e);
  if (value.length < 3 || !valueOk(value, verdict)) return false;
  const next = codeAt(text, e);
  if (next === 40 || next === 41 || next === 91) return false; // call, argument list, index
  const first = value.charCodeAt(0);
  if (first === 36 || first === 64 || first === 37 || first === 33 || first === 42 || first === 38 || first === 124) return false; // $var @x %s !tag *alias &anchor |
  if (IDENT_PATH.test(value) || CAMEL_WORDS.test(value)) return false;
  if (next === 59 && !inConnectionString(text, key, e)) return false; // statement terminator: code
  const line = lineBefore(text, key.start);
  if (CODE_LINE.test(line)) return false;
  if (sep === ':') {
    const p = prevNonSpace(text, key.prev);
    if (p === 123 || p === 44 || p === 40) return false; // object literal / argument: `{ password: pwd }`
    if (!endsLikeConfig(text, key, e)) return false;
  }
  if (sep === ':=' && IDENT.test(value)) return false;
  return true;
}

const AUTH_HEADER = /^(?:proxy-)?authorization$/i;
const AUTH_SCHEME = /^(?:basic|bearer|token|api-?key|api-?token|bot|sso-key|key) +/i;

/**
 * "Authorization: Bearer abc…" (an HTTP header, a curl -H, a headers object in code): the
 * credentials after the scheme; without a scheme, a value that can only be a credential.
 */
function authCredentials(text: string, from: number): [number, number] | null {
  let p = from;
  while (isSpaceOrTab(codeAt(text, p))) p++;
  const q = codeAt(text, p);
  const quote = q === 34 || q === 39 || q === 96 ? q : -1;
  if (quote >= 0) p++;
  const scheme = AUTH_SCHEME.exec(text.slice(p, p + 16));
  const s = scheme ? p + scheme[0].length : p;
  let e = s;
  while (e < text.length && e - s <= VALUE_MAX) {
    const c = text.charCodeAt(e);
    if (isWhitespace(c) || (quote >= 0 ? c === quote : VALUE_STOP.has(c))) break;
    e++;
  }
  const value = text.slice(s, e);
  if (value.length < 8 || isPlaceholder(value) || (IDENT_PATH.test(value) && !/\d/.test(value))) return null;
  return scheme || (value.length >= 16 && looksLikeCredential(value)) ? [s, e] : null;
}

function quotedValueOk(value: string, verdict: NameVerdict): boolean {
  return value.length >= 3 && valueOk(value, verdict) && !UI_TEXT.test(value) && !PROSE.test(value) && !value.includes('\n');
}

/** An Azure shared access signature in a URL: `…?sv=…&sig=<base64>`. */
function sasSignature(text: string, key: Key, v: number): number {
  const prev = codeAt(text, key.prev);
  if (prev !== 38 && prev !== 63) return -1;
  let e = v;
  while (e < text.length && e - v <= VALUE_MAX && (isAlnum(text.charCodeAt(e)) || '%+/='.includes(text[e] as string))) e++;
  return e - v >= 20 ? e : -1;
}

// Only ':' and '=' start a candidate; the scan jumps between them (see nextOf).
const SEPARATOR = /[:=]/g;

export function findConfigSecrets(text: string, out: RawMatch[]): void {
  const n = text.length;
  const keyVerdicts = new Map<string, NameVerdict>();
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
    if (keyText === 'sig' && sep === '=') {
      const e = sasSignature(text, key, i + 1);
      if (e > 0) {
        out.push({ type: 'SECRET', start: i + 1, end: e });
        i = e - 1;
      }
      continue;
    }
    let verdict = keyText === 'value' ? nameOfValue(text, key) : keyVerdicts.get(keyText);
    if (verdict === undefined) keyVerdicts.set(keyText, (verdict = nameVerdict(keyText)));
    if (verdict === 'none') continue;
    let v = i + sep.length;
    for (let sp = 0; sp < 8 && isSpaceOrTab(codeAt(text, v)); sp++) v++;
    const q = codeAt(text, v);
    if (q === 34 || q === 39 || q === 96) {
      let p = v + 1;
      const limit = Math.min(n, p + VALUE_MAX);
      while (p < limit && text.charCodeAt(p) !== q && text.charCodeAt(p) !== 10) p += text.charCodeAt(p) === 92 ? 2 : 1;
      if (codeAt(text, p) !== q) continue;
      if (quotedValueOk(text.slice(v + 1, p), verdict)) out.push({ type: 'SECRET', start: v + 1, end: p });
      i = p; // a quoted string holds no further key: skipping it keeps the scan linear
      continue;
    }
    if (sep === '=>') continue;
    let e = v;
    const limit = Math.min(n, v + VALUE_MAX + 1);
    // In `…;User Id=sa;Password=p&ss;` only ';' ends the value.
    const stops = codeAt(text, key.prev) === 59 ? CONNECTION_STOP : VALUE_STOP;
    while (e < limit && !isWhitespace(text.charCodeAt(e)) && !stops.has(text.charCodeAt(e))) e++;
    if (e - v > VALUE_MAX) {
      i = e - 1;
      continue;
    }
    const valueEnd = e;
    // Trailing sentence punctuation is not part of the value; an ellipsis makes it an elided example.
    while (e > v && '.:!?'.includes(text[e - 1] as string)) e--;
    if (!text.startsWith('..', e) && unquotedValueOk(text, key, sep, v, e, verdict)) out.push({ type: 'SECRET', start: v, end: e });
    // Whatever the verdict, the value's characters are not looked at again (linear scan).
    if (valueEnd > v) i = valueEnd - 1;
  }
}
