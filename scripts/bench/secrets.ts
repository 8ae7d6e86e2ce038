// The detector on a 20 KB paste of mixed credentials (the credential corpus: headers, command lines,
// configuration files, JWTs, connection strings, private keys, provider tokens) beside the same
// call on 20 KB of ordinary prose, both read as a post body is (Markdown), in alternating rounds.
import { median } from './harness.js';
import { detectPii } from '../../shared/pii/index.js';
import { credentialCorpus } from '../../test/fixtures/pii/credential-corpus.js';
import { fmt, type Row } from './table.js';

const SIZE = 20 * 1024;
const WARM_MS = 1500;
const ROUNDS = 8;
const RUNS_PER_ROUND = 5;

const PROSE = `We moved the team to the new release last week and most of it went smoothly. The export now keeps
the column order you chose, and the dashboard loads in about a second on a cold cache. Two things
still catch people out: the saved views need to be opened once after the upgrade, and the old
keyboard shortcuts for filters changed. If you run into anything else, reply here with your browser
and a screenshot, and we will look at it before the next update on Thursday.

`;

function fill(parts: readonly string[]): string {
  let s = '';
  for (let i = 0; s.length < SIZE; i++) s += `${parts[i % parts.length]}\n\n`;
  return s.slice(0, SIZE);
}

/** Median milliseconds per call of `a` and of `b`, measured in alternating rounds after both are warm. */
function medians(a: () => void, b: () => void): [number, number] {
  for (const fn of [a, b]) for (const start = performance.now(); performance.now() - start < WARM_MS; ) fn();
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      for (let k = 0; k < RUNS_PER_ROUND; k++) {
        const t = performance.now();
        (i === 0 ? a : b)();
        times[i]!.push(performance.now() - t);
      }
    }
  }
  return [median(times[0]), median(times[1])];
}

export function benchSecrets(): Row[] {
  const corpus = credentialCorpus();
  const paste = fill(corpus.map((e) => e.text));
  const prose = fill([PROSE]);
  const found = detectPii(paste, undefined, 'markdown').filter((f) => f.type === 'SECRET').length;
  const [secrets, plain] = medians(() => detectPii(paste, undefined, 'markdown'), () => detectPii(prose, undefined, 'markdown'));
  return [{
    section: 'detector', metric: `ms per 20 KB paste of mixed credentials (${found} secrets found), median of ${ROUNDS * RUNS_PER_ROUND}`,
    agora: `${fmt(secrets, 2)} ms`, baseline: `${fmt(plain, 2)} ms (20 KB of ordinary prose)`, ratio: `${fmt(secrets / plain, 1)}×`,
    target: '< 20 ms', ok: secrets < 20,
  }];
}
