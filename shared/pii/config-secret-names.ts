// Which configuration names say that their value is a secret: `DB_PASSWORD`, `apiKey`,
// `client_secret`, `X-Auth-Token`, `aws_secret_access_key` … but not `password_min_length`,
// `max_tokens`, `nextToken` or `secretName`. A name is split into its words (snake, kebab, camel
// and Pascal case) and judged by its last word and the one before it.

/** How much a name says: nothing, a secret, or a secret only when the value looks like one (`auth`, `credentials`). */
export type NameVerdict = 'none' | 'secret' | 'weak';

const SECRET_ENDINGS = [
  'password', 'passwd', 'passphrase', 'passcode', 'secret', 'token', 'apikey', 'secretkey', 'accesskey',
  'privatekey', 'authkey', 'masterkey', 'signingkey', 'encryptionkey',
];
const SECRET_LAST = new Set(['pwd', 'pass', 'pw', 'secretkeybase']);
const WEAK_LAST = new Set(['auth', 'credential', 'credentials', 'cred', 'creds']);
/** Words before `key` that make it a credential rather than a lookup key, a keyboard key or a key path. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'signing', 'encryption', 'decryption', 'master', 'auth', 'client',
  'app', 'consumer', 'webhook', 'license', 'account', 'shared', 'session', 'service', 'admin', 'root', 'hmac',
  'jwt', 'bot', 'deploy', 'storage', 'subscription', 'cookie', 'sign', 'crypt', 'cipher', 'aes', 'developer',
  'management', 'server', 'integration', 'partner', 'merchant',
]);
/** Words before `token` that make it something other than a credential (pagination, language models). */
const NOT_CREDENTIAL_TOKEN = new Set([
  'next', 'page', 'continuation', 'cursor', 'pagination', 'sync', 'max', 'min', 'num', 'count', 'total',
  'input', 'output', 'prompt', 'completion', 'bos', 'eos', 'pad', 'unk', 'sep', 'cls', 'mask', 'start',
  'end', 'special', 'cancellation', 'resume', 'idempotency', 'design', 'lexer', 'parser',
]);
/** Words before `secret` that make the value a name of a secret stored elsewhere (`existingSecret`). */
const SECRET_REFERENCE = new Set(['existing', 'k8s', 'kubernetes', 'vault', 'sealed', 'external']);

function keyParts(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

export function nameVerdict(key: string): NameVerdict {
  const lower = key.toLowerCase();
  if (!/pass|pw|secret|token|key|cred|auth/.test(lower)) return 'none';
  const parts = keyParts(key);
  const last = parts[parts.length - 1];
  if (last === undefined) return 'none';
  const before = parts[parts.length - 2] ?? '';
  if (last.endsWith('token') && (NOT_CREDENTIAL_TOKEN.has(before) || NOT_CREDENTIAL_TOKEN.has(last.slice(0, -5)))) return 'none';
  if (last.endsWith('secret') && SECRET_REFERENCE.has(before)) return 'none';
  if (SECRET_ENDINGS.some((w) => last.endsWith(w)) || SECRET_LAST.has(last)) return 'secret';
  if (last === 'key' && parts.length >= 2) return KEY_QUALIFIERS.has(before) ? 'secret' : 'none';
  if (parts.join('') === 'secretkeybase') return 'secret';
  return WEAK_LAST.has(last) ? 'weak' : 'none';
}

export function isSecretKey(key: string): boolean {
  return nameVerdict(key) === 'secret';
}

/** A value that could only be a credential: long enough, one word, letters with digits or base64 padding. */
export function looksLikeCredential(value: string): boolean {
  if (value.length < 8 || /\s/.test(value)) return false;
  return (/[A-Za-z]/.test(value) && /\d/.test(value)) || /^[A-Za-z0-9+/]{6,}={1,2}$/.test(value);
}
