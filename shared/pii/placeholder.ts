// Values that stand in for a secret in documentation and templates rather than being one, and
// values that point at a secret kept elsewhere (a variable, a vault path).

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'pw', 'secret', 'token', 'apikey', 'api_key', 'key', 'value',
  'yourpassword', 'your_password', 'your-password', 'mypassword', 'my_password', 'user', 'username',
  'example', 'redacted', 'hidden', 'removed', 'changeme_in_prod', 'xxx', 'null', 'none', 'nil',
  'undefined', 'empty', 'todo', 'tbd', 'secret_here', 'token_here', 'password_here', 'changeme',
  'change_me', 'change-me', 'dummy', 'test', 'testing', 'sample', 'fake', 'foo', 'bar', 'foobar',
  'placeholder', 'secret123', 'password123', 'notsecret', 'not-a-secret', 'na', 'n/a',
]);

// Written-out instructions in place of a value: "your-api-key", "INSERT_TOKEN_HERE", "replace-me".
const INSTRUCTION = /your|here|replace|insert|placeholder|changeme|dummy|sample|redacted/i;
// Pointers to a secret stored elsewhere: 1Password, Vault, AWS/GCP/Azure secret managers, SOPS, YAML tags.
const REFERENCE = /^(?:op|vault|ref\+\w+|sm|awssm|gcpsm|azkv|secretsmanager|keyvault):|^arn:aws:(?:secretsmanager|ssm):|^projects\/[^/]+\/secrets\/|^@Microsoft\.KeyVault\(|^ENC\[|^!(?:vault|secret|env|ref|sub|cmd|include)\b/i;
// Interpolations of every common template and shell syntax.
const INTERPOLATION = /^\$\{[^}]*\}$|^\{\{.*\}\}$|^<[^<>]*>$|^\[[^[\]]*\]$|^%[sdv]$|^\$[A-Za-z_][A-Za-z0-9_]*$|^:[a-z_]+$|^\{[^{}]*\}$|^%[A-Za-z_]\w*%$|^\$\(.*\)$|^#\{.*\}$|^%\(\w+\)s$|^<%.*%>$/;

/** True for "${DB_PASSWORD}", "{{ vault_pw }}", "<password>", "%s", "*****", "xxxx", "your-api-key", "op://…", … */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (INTERPOLATION.test(v) || REFERENCE.test(v)) return true;
  if (v.includes('${') || v.includes('{{') || v.includes('...') || v.includes('…') || /[xX]{6,}|\*{3}/.test(v)) return true;
  // AWS's documentation keys (AKIAIOSFODNN7EXAMPLE) and every "example-password"; in an address
  // ("john@example.com") the word names the documentation's domain, not the value.
  if (/EXAMPLE/.test(v) || (/example/i.test(v) && !v.includes('@'))) return true;
  if (!/\d/.test(v) && INSTRUCTION.test(v)) return true;
  // Masks: "*****", "xxxx", "••••", "....", "----", and any one character repeated.
  return /^(?:\*+|x+|X+|•+|\.+|-+|_+|#+)$/.test(v) || /^(.)\1{3,}$/.test(v);
}

/**
 * True when the body of a token-shaped string is filler rather than random: a run of x's, too few
 * distinct characters, or mostly an alphabet or digit sequence ("abcdef…", "123456…").
 */
export function isFillerBody(body: string): boolean {
  if (isPlaceholder(body) || /[xX]{5,}/.test(body)) return true;
  const chars = body.replace(/[-_.]/g, '');
  if (chars.length < 8) return false;
  if (new Set(chars).size < Math.min(6, chars.length / 2)) return true;
  let steps = 0;
  const lower = chars.toLowerCase();
  for (let i = 1; i < lower.length; i++) if (lower.charCodeAt(i) === lower.charCodeAt(i - 1) + 1) steps++;
  return steps >= (lower.length - 1) * 0.5;
}
