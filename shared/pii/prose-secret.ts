import { looksLikeCredential, nameVerdict } from './config-secret-names.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Secrets written after their name with only a space between: "my password is Tr0ub4dor3",
// "api key abc123…", a .netrc's `password …`, `aws configure set aws_secret_access_key …`. Without a
// ':' or '=' the name is a weaker signal, so the value must look like a credential (letters with
// digits, long enough) unless the text around is a .netrc. Regular expressions with bounded
// quantifiers, each match a bounded amount of work.

const NAMED_WORD = /\b(password|passwd|pwd|passphrase|passcode|token|api[ _-]?key|secret(?: key)?|access key)(?:[ \t]+is)?[ \t]+(?![:=])["'`]?([^\s'"`()<>[\]{},;]{6,512})(?=$|[\s'"`.,;:!?)\]])/gi;
const CONFIG_SET = /\b(?:configure|config)[ \t]+set[ \t]+(\S{1,128})[ \t]+(\S{3,512})/g;
const NETRC = /\bmachine[ \t]+\S/;

const trimmed = (value: string): string => value.replace(/[.,;:!?)\]"'`]+$/, '').replace(/^["'`]/, '');

export function findProseSecrets(text: string, out: RawMatch[]): void {
  NAMED_WORD.lastIndex = 0;
  for (let m = NAMED_WORD.exec(text); m !== null; m = NAMED_WORD.exec(text)) {
    if (m.index > 0 && text.charCodeAt(m.index - 1) === 45) continue; // --password is an option: command-secret.ts
    const name = (m[1] as string).toLowerCase();
    const raw = m[2] as string;
    const value = trimmed(raw);
    const start = m.index + m[0].length - raw.length;
    if (isPlaceholder(value) || value.includes('$')) continue;
    const passwordWord = name.startsWith('pass') || name === 'pwd';
    const netrc = passwordWord && NETRC.test(text.slice(Math.max(0, m.index - 256), m.index));
    // A password may be short; a token or key is long and random.
    const ok = netrc || (looksLikeCredential(value) && (passwordWord || value.length >= 16));
    if (ok) out.push({ type: 'SECRET', start, end: start + value.length });
  }
  CONFIG_SET.lastIndex = 0;
  for (let m = CONFIG_SET.exec(text); m !== null; m = CONFIG_SET.exec(text)) {
    const name = (m[1] as string).split(/[:/]/).pop() as string;
    const value = trimmed(m[2] as string);
    if (nameVerdict(name) === 'none' || isPlaceholder(value) || value.includes('$')) continue;
    const start = m.index + m[0].length - (m[2] as string).length;
    out.push({ type: 'SECRET', start, end: start + value.length });
  }
}
