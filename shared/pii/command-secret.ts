import { codeAt, isWhitespace, isWordAt } from './chars.js';
import { isPlaceholder } from './placeholder.js';
import type { RawMatch } from './types.js';

// Passwords given on a command line: `curl -u user:password`, `docker login -p …`,
// `mysql -pSECRET`, `sshpass -p …`, `redis-cli -a …`. An option letter means something different to every program
// (`git push -u origin`, `docker run -u 1000:1000`, `sort -u`), so the option counts only after
// the program it belongs to, looked for a bounded distance back on the same command line.

const OPTION = /-(?:-user|-password|-pass|u|p|a)/g;
const LOOK_BACK = 320;
const CURL = /\bcurl\b/;
const LOGIN = /\b(?:docker|podman|nerdctl|buildah|skopeo|helm(?: registry)?|oras|crane|az|cf|oc)\s+(?:\S+\s+)?login\b|\bsshpass\b/;
const MYSQL = /\b(?:mysql|mysqldump|mysqladmin|mariadb)\b/;
const REDIS_CLI = /\bredis-cli\b/;

/** The command line before `at`: back to a line break that is not escaped, at most LOOK_BACK characters. */
function commandBefore(text: string, at: number): string {
  const from = Math.max(0, at - LOOK_BACK);
  let p = at - 1;
  while (p >= from) {
    if (text.charCodeAt(p) === 10) {
      const q = text.charCodeAt(p - 1) === 13 ? p - 2 : p - 1;
      if (text.charCodeAt(q) !== 92) break; // an escaped line break continues the command
    }
    p--;
  }
  return text.slice(p + 1, at);
}

/** The argument starting at `p` (quoted or not): [start, end] of its content. */
function argument(text: string, p: number): [number, number] {
  const q = codeAt(text, p);
  if (q === 34 || q === 39) {
    let e = p + 1;
    while (e < text.length && e - p <= 512 && text.charCodeAt(e) !== q && text.charCodeAt(e) !== 10) e++;
    return codeAt(text, e) === q ? [p + 1, e] : [p + 1, p + 1];
  }
  let e = p;
  while (e < text.length && e - p <= 512 && !isWhitespace(text.charCodeAt(e)) && text.charCodeAt(e) !== 59) e++;
  return [p, e];
}

const passwordOk = (value: string): boolean =>
  value.length >= 4 && !isPlaceholder(value) && !/^[$`<]|^%\w+%$/.test(value) && !value.includes('$(');

export function findCommandSecrets(text: string, out: RawMatch[]): void {
  OPTION.lastIndex = 0;
  for (let m = OPTION.exec(text); m !== null; m = OPTION.exec(text)) {
    const flag = m[0];
    let p = m.index + flag.length;
    if (isWordAt(text, m.index - 1) || codeAt(text, m.index - 1) === 45) continue;
    const after = codeAt(text, p);
    const attached = !isWhitespace(after) && after !== 61;
    // Only mysql's -p takes its value attached (-pSECRET); `--username`, `-uroot`, `--password-stdin` are other options.
    if (attached && (flag !== '-p' || after === 45 || after < 0)) continue;
    while (codeAt(text, p) === 61 || codeAt(text, p) === 32 || codeAt(text, p) === 9) p++;
    const command = commandBefore(text, m.index);
    const [s, e] = argument(text, p);
    const value = text.slice(s, e);
    if (flag === '-u' || flag === '--user') {
      if (attached || !CURL.test(command)) continue;
      const colon = value.indexOf(':');
      if (colon < 0) continue;
      const password = value.slice(colon + 1);
      if (passwordOk(password) && password !== value.slice(0, colon)) out.push({ type: 'SECRET', start: s + colon + 1, end: e });
    } else if (flag === '-a' || flag === '--pass') {
      if (!attached && REDIS_CLI.test(command) && passwordOk(value)) out.push({ type: 'SECRET', start: s, end: e });
    } else if (attached ? MYSQL.test(command) : LOGIN.test(command)) {
      if (passwordOk(value)) out.push({ type: 'SECRET', start: s, end: e });
    }
    OPTION.lastIndex = Math.max(OPTION.lastIndex, e);
  }
}
