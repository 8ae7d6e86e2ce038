import { nameVerdict } from './config-secret-names.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Secrets named in XML and in code that sets a named value, where no ':' or '=' joins name and
// value: `<password>…</password>`, `<add key="ApiKey" value="…"/>`, `define('DB_PASSWORD', '…')`,
// `setenv("API_TOKEN", "…")`, `auth=("user", "…")`. Regular expressions with bounded quantifiers and no nesting, each
// anchored on a fixed character ('<', a quote), so each candidate costs a bounded amount of work.

const XML_ELEMENT = /<([A-Za-z_][\w.:-]{0,63})>([^<>\s]{3,512})<\/\1>/g;
const XML_KEY_VALUE = /\bkey\s?=\s?"([\w.:-]{1,64})"\s{1,8}value\s?=\s?"([^"\n]{3,512})"/gi;
// HTTP basic authentication in code: requests' `auth=("user", "password")`, `HTTPBasicAuth("user", "password")`.
const BASIC_AUTH_PAIR = /\b(?:auth|HTTPBasicAuth|HTTPDigestAuth|BasicAuth|basic_auth|basicAuth)\s?[=(]\s?\(?\s{0,4}(["'])[^"'\n]{1,64}\1\s{0,4},\s{0,4}(["'])([^"'\n]{3,512})\2/g;
const NAMED_SETTER = /\b(?:define|setenv|putenv|setEnv|set_env|Setenv)\s?\(\s{0,4}(["'])([\w.-]{1,64})\1\s{0,4},\s{0,4}(["'])([^"'\n]{3,512})\3/g;

const valueOk = (value: string, name: string): boolean => {
  const verdict = nameVerdict(name);
  return verdict === 'secret' && !isPlaceholder(value) && !/^[$%]|^(?:true|false|yes|no|on|off|\d{1,6})$/i.test(value);
};

export function findMarkupSecrets(text: string, out: RawMatch[]): void {
  if (text.includes('<')) {
    XML_ELEMENT.lastIndex = 0;
    for (let m = XML_ELEMENT.exec(text); m !== null; m = XML_ELEMENT.exec(text)) {
      const [whole, name, value] = m as unknown as [string, string, string];
      if (valueOk(value, name)) out.push({ type: 'SECRET', start: m.index + name.length + 2, end: m.index + name.length + 2 + value.length });
      XML_ELEMENT.lastIndex = m.index + whole.length;
    }
    XML_KEY_VALUE.lastIndex = 0;
    for (let m = XML_KEY_VALUE.exec(text); m !== null; m = XML_KEY_VALUE.exec(text)) {
      const [whole, name, value] = m as unknown as [string, string, string];
      const end = m.index + whole.length - 1;
      if (valueOk(value, name)) out.push({ type: 'SECRET', start: end - value.length, end });
    }
  }
  BASIC_AUTH_PAIR.lastIndex = 0;
  for (let m = BASIC_AUTH_PAIR.exec(text); m !== null; m = BASIC_AUTH_PAIR.exec(text)) {
    const value = m[3] as string;
    const end = m.index + m[0].length - 1;
    if (!isPlaceholder(value) && !/^[$%{]/.test(value)) out.push({ type: 'SECRET', start: end - value.length, end });
  }
  NAMED_SETTER.lastIndex = 0;
  for (let m = NAMED_SETTER.exec(text); m !== null; m = NAMED_SETTER.exec(text)) {
    const whole = m[0];
    const name = m[2] as string;
    const value = m[4] as string;
    const end = m.index + whole.length - 1;
    if (valueOk(value, name)) out.push({ type: 'SECRET', start: end - value.length, end });
  }
}
