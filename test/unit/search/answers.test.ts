// Whether a candidate's current text answers a query: the check every search result passes before
// anyone sees it (server/search/service.ts), so a lagging index never shows what a post no longer says.
import fc from 'fast-check';
import { fold, parseQuery, type ParsedQuery } from '../../../server/search/text.js';
import { answers } from '../../../server/search/answers.js';

const matches = (q: string, ...fields: string[]) => answers(parseQuery(q), fields);

describe('answers', () => {
  test('every word is required, in any field and any order', () => {
    expect(matches('tomato seeds', 'I sowed seeds of a tomato')).toBe(true);
    expect(matches('tomato seeds', 'Tomato thread', 'about seeds')).toBe(true);
    expect(matches('tomato seeds', 'I sowed tomato plants')).toBe(false);
  });

  test('folding applies to the text too: accents and case do not matter either way', () => {
    expect(matches('creme brulee', 'CRÈME Brûlée recipe')).toBe(true);
    expect(matches('Crème', 'creme')).toBe(true);
  });

  test('a phrase needs its words next to each other, in order, within one field', () => {
    expect(matches('"green house"', 'a green house in spring')).toBe(true);
    expect(matches('"green house"', 'a house painted green')).toBe(false);
    expect(matches('"green house"', 'green, house')).toBe(true);
    expect(matches('"green house"', 'green', 'house')).toBe(false);
  });

  test('an excluded word or phrase anywhere rules the text out', () => {
    expect(matches('tomato -slug', 'tomato plants')).toBe(true);
    expect(matches('tomato -slug', 'tomato plants', 'a slug ate them')).toBe(false);
    expect(matches('tomato -"black fly"', 'tomato with a black cat and a fly')).toBe(true);
    expect(matches('tomato -"black fly"', 'tomato with black fly')).toBe(false);
  });

  test('only the last word matches as a prefix', () => {
    expect(matches('tomato gard', 'tomato gardening')).toBe(true);
    expect(matches('toma garden', 'tomato garden')).toBe(false);
    expect(matches('tomato gard ', 'tomato gardening')).toBe(false);
    expect(matches('"tomato gard"', 'tomato gardening')).toBe(false);
  });

  test('a query of exclusions only answers nothing, whatever the text', () => {
    expect(matches('-slug', 'tomato plants')).toBe(false);
    expect(matches('-slug -"black fly"', '')).toBe(false);
    expect(matches('', 'tomato')).toBe(false);
  });

  // The rule as first written: each field as an array of folded words, each part looked for as a
  // run in one of them. answers() scans instead, and must agree with it on every text and query.
  const reference = (query: ParsedQuery, fields: string[]) => {
    const seqs = fields.map((f) => (f.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).map(fold).filter((w) => w.length > 0));
    const runIn = (seq: string[], terms: string[], prefix: boolean) => seq.some((_, i) =>
      i + terms.length <= seq.length && terms.every((t, j) => (prefix && j === terms.length - 1 ? seq[i + j]!.startsWith(t) : seq[i + j] === t)));
    for (const part of query.parts) if (seqs.some((s) => runIn(s, part.terms, part.prefix)) === part.exclude) return false;
    return query.parts.some((p) => !p.exclude);
  };

  test('for any fields and query, it answers as the word-array rule does: phrases that overlap themselves, marks alone, folded forms', () => {
    // Few words, so that phrases and their overlaps ("a a b" in "a a a b") occur often.
    const word = fc.constantFrom('a', 'A', 'b', 'ab', 'abc', 'Café', 'cafe', 'CAFÉ', 'ﬁne', 'fine', 'ＡＢ', 'e\u0301', '\u0301', '𝒙', 'x9', 'été');
    const sep = fc.constantFrom(' ', '-', ', ', '\n', '\u00a0', '');
    const text = fc.array(fc.tuple(word, sep), { maxLength: 40 }).map((a) => a.map(([w, s]) => w + s).join(''));
    const part = fc.tuple(fc.array(word, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '-'), fc.boolean())
      .map(([ws, minus, quoted]) => (quoted || ws.length > 1 ? `${minus}"${ws.join(' ')}"` : `${minus}${ws[0]}`));
    const query = fc.tuple(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(word, { maxLength: 2 }), fc.constantFrom('', ' '))
      .map(([parts, bare, end]) => [...parts, ...bare].join(' ') + end);
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 2 }), query, (fields, q) => {
        const parsed = parseQuery(q);
        expect(answers(parsed, fields)).toBe(reference(parsed, fields));
      }),
      { numRuns: 3_000, seed: 31 },
    );
  });
});
