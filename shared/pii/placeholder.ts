// Values that stand in for a secret in documentation and templates rather than being one.

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'pw', 'secret', 'token', 'apikey', 'api_key', 'key', 'value',
  'yourpassword', 'your_password', 'your-password', 'mypassword', 'my_password', 'user', 'username',
  'example', 'redacted', 'hidden', 'removed', 'changeme_in_prod', 'xxx', 'null', 'none', 'nil',
  'undefined', 'empty', 'todo', 'tbd', 'secret_here', 'token_here', 'password_here',
]);

/** True for "${DB_PASSWORD}", "{{ vault_pw }}", "<password>", "%s", "*****", "xxxx", "password", … */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (/^\$\{[^}]*\}$|^\{\{.*\}\}$|^<[^<>]*>$|^\[[^[\]]*\]$|^%[sdv]$|^\$[A-Za-z_][A-Za-z0-9_]*$|^:[a-z_]+$/.test(v)) return true;
  if (v.includes('${') || v.includes('{{')) return true;
  // Masks: "*****", "xxxx", "••••", "....", "----"
  return /^(?:\*+|x+|X+|•+|\.+|-+|_+|#+)$/.test(v);
}
