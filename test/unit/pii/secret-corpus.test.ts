import { detectPii, type PiiFinding, type TextFormat } from '../../../shared/pii/index.js';
import { credentialCorpus, type CorpusEntry } from '../../fixtures/pii/credential-corpus.js';
import { lookAlikeCorpus } from '../../fixtures/pii/look-alike-corpus.js';

const secretsIn = (text: string, format: TextFormat): PiiFinding[] => detectPii(text, undefined, format).filter((f) => f.type === 'SECRET');

/** Every marked value lies inside a SECRET finding, so masking leaves at most its last four characters. */
function warned(e: CorpusEntry, format: TextFormat): boolean {
  const found = secretsIn(e.text, format).filter((f) => f.severity === 'sensitive');
  return e.secrets.every((s) => found.some((f) => f.start <= s.start && f.end >= s.end));
}

const show = (entries: CorpusEntry[]): string => entries.map((e) => `  [${e.form}] ${JSON.stringify(e.text.slice(0, 160))}`).join('\n');

describe('the credential corpus', () => {
  const credentials = credentialCorpus();
  const lookAlikes = lookAlikeCorpus();

  test('holds at least 150 credentials and 150 look-alikes, every credential marked', () => {
    expect(credentials.length).toBeGreaterThanOrEqual(150);
    expect(lookAlikes.length).toBeGreaterThanOrEqual(150);
    for (const e of credentials) expect({ text: e.text, marked: e.secrets.length > 0 }).toEqual({ text: e.text, marked: true });
  });

  // 'markdown' is how a post body is read, 'plain' a title or a testimonial.
  test.each(['markdown', 'plain'] as const)('at least 90%% of pasted credentials are warned about as sensitive secrets, value and all (%s)', (format) => {
    const missed = credentials.filter((e) => !warned(e, format));
    const rate = 1 - missed.length / credentials.length;
    if (rate < 0.9) throw new Error(`${(rate * 100).toFixed(1)}% of ${credentials.length} credentials warned; missed:\n${show(missed)}`);
  });

  test.each(['markdown', 'plain'] as const)('at most 10%% of look-alikes (placeholders, variables, hashes, ids, ordinary config) are warned about (%s)', (format) => {
    const flagged = lookAlikes.filter((e) => secretsIn(e.text, format).length > 0);
    const rate = flagged.length / lookAlikes.length;
    if (rate > 0.1) throw new Error(`${(rate * 100).toFixed(1)}% of ${lookAlikes.length} look-alikes warned:\n${show(flagged)}`);
  });
});
