// How search reads text: one folding for the index, the check and the snippet; the query language
// a user types; and a snippet that shows where the words are without ever carrying markup of its own.
import fc from 'fast-check';
import { escapeHtml, fold, MIN_PREFIX, parseQuery, publishedText, snippet, words } from '../../../server/search/text.js';

const unescapeHtml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const stripMarks = (s: string) => s.replace(/<\/?mark>/g, '');
/** The words a snippet marks, as written in it. */
const marked = (s: string) => [...s.matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => unescapeHtml(m[1]!));
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}\p{M}]/u.test(c);

describe('folding', () => {
  test('case, accents, ligatures and fullwidth forms all fold to one plain lower-case word', () => {
    expect(fold('ÉLAN')).toBe('elan');
    expect(fold('élan')).toBe('elan');
    expect(fold('Crème')).toBe('creme');
    expect(fold('ﬁne')).toBe('fine');
    expect(fold('ＡＢＣ１２')).toBe('abc12');
    expect(fold('naïve')).toBe(fold('NAIVE'));
  });

  test('a plain ASCII word folds exactly as the full folding would fold it (its short path changes nothing)', () => {
    const full = (w: string) => w.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
    for (const ch of ascii) expect(fold(ch)).toBe(full(ch));
    for (const w of ['HELLO', 'MiXeD42', ascii.join(''), 'Cafe']) expect(fold(w)).toBe(full(w));
    // One character past ASCII takes the full path.
    expect(fold('CafÉ')).toBe('cafe');
    expect(fold('Ǆemal')).toBe('dzemal');
  });
});

describe('words', () => {
  test('punctuation and spaces separate words, digits are words, letters with accents stay whole', () => {
    expect(words('Hello, world! It costs 3.50 (café-crème)')).toEqual(['Hello', 'world', 'It', 'costs', '3', '50', 'café', 'crème']);
  });

  test('words are the runs of letters, digits and marks, whatever the text: astral letters, marks, lone surrogates', () => {
    const reference = (t: string) => t.match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
    const texts = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', '-', 'é', '\u0301', '\ud835', '\udc9c', '𝒜', '٣', '漢', '\u00a0', '_'), maxLength: 60 }),
    );
    fc.assert(fc.property(texts, (t) => expect(words(t)).toEqual(reference(t))), { numRuns: 2_000, seed: 21 });
  });

  test('an e-mail-like string is several words, so any part of it can be searched', () => {
    expect(words('write to alice.smith@example.org')).toEqual(['write', 'to', 'alice', 'smith', 'example', 'org']);
  });

  test('a text of separators only has no words', () => {
    expect(words(' -- !? ')).toEqual([]);
  });
});

describe('publishedText', () => {
  test('entities are decoded and tags dropped: the reader sees text, not markup', () => {
    expect(publishedText('<p>Fish &amp; chips &lt;3 <strong>cr&egrave;me</strong> &#x41;</p>')).toBe('Fish & chips <3 crème A');
  });

  test('words in adjacent table cells and paragraphs stay apart', () => {
    const text = publishedText('<table><tr><th>name</th><th>size</th></tr><tr><td>alpha</td><td>beta</td></tr></table><p>one</p><p>two</p>line<br>break');
    expect(words(text)).toEqual(['name', 'size', 'alpha', 'beta', 'one', 'two', 'line', 'break']);
  });

  test('inline markup inside a word does not split it', () => {
    expect(publishedText('<p>bo<em>ld</em></p>')).toBe('bold');
  });

  test('a post with no published html has no text', () => {
    expect(publishedText(null)).toBe('');
    expect(publishedText('')).toBe('');
  });
});

describe('parseQuery', () => {
  test('bare words become parts of one folded word each; the last one is also a prefix', () => {
    const q = parseQuery('Café CRÈME');
    expect(q.parts).toEqual([
      { terms: ['cafe'], phrase: false, exclude: false, prefix: false },
      { terms: ['creme'], phrase: false, exclude: false, prefix: true },
    ]);
    expect(q.prefix).toBe('creme');
    expect(q.wanted).toEqual(['cafe', 'creme']);
  });

  test(`the last word is a prefix only when it has at least ${MIN_PREFIX} letters`, () => {
    const short = 'x'.repeat(MIN_PREFIX - 1);
    const long = 'x'.repeat(MIN_PREFIX);
    expect(parseQuery(`foo ${short}`).prefix).toBeNull();
    expect(parseQuery(`foo ${short}`).parts[1]!.prefix).toBe(false);
    expect(parseQuery(`foo ${long}`).prefix).toBe(long);
  });

  test('a word followed by a space, a phrase or an exclusion is no longer a prefix', () => {
    expect(parseQuery('garden ').prefix).toBeNull();
    expect(parseQuery('garden "tools"').prefix).toBeNull();
    expect(parseQuery('garden -tools').prefix).toBeNull();
    expect(parseQuery('garden -tools').parts[0]!.prefix).toBe(false);
    expect(parseQuery('"garden"').prefix).toBeNull();
  });

  test('quoted words are a phrase, and an unclosed quote runs to the end', () => {
    expect(parseQuery('seed "Green House"').parts[1]).toEqual({ terms: ['green', 'house'], phrase: true, exclude: false, prefix: false });
    expect(parseQuery('seed "green house').parts[1]).toEqual({ terms: ['green', 'house'], phrase: true, exclude: false, prefix: false });
  });

  test('-word and -"a phrase" are exclusions, and excluded words are not wanted', () => {
    const q = parseQuery('tomato -slug -"black fly"');
    expect(q.parts).toEqual([
      { terms: ['tomato'], phrase: false, exclude: false, prefix: false },
      { terms: ['slug'], phrase: false, exclude: true, prefix: false },
      { terms: ['black', 'fly'], phrase: true, exclude: true, prefix: false },
    ]);
    expect(q.wanted).toEqual(['tomato']);
    expect(q.prefix).toBeNull();
  });

  test('a hyphen inside a word makes a phrase of its parts, excluded or not', () => {
    expect(parseQuery('e-mail setup').parts[0]).toEqual({ terms: ['e', 'mail'], phrase: true, exclude: false, prefix: false });
    expect(parseQuery('setup -e-mail').parts[1]).toEqual({ terms: ['e', 'mail'], phrase: true, exclude: true, prefix: false });
  });

  test('punctuation alone and empty quotes add nothing', () => {
    expect(parseQuery('  ?! "" - ').parts).toEqual([]);
  });
});

describe('snippet', () => {
  test('escapeHtml escapes the five characters HTML gives meaning to, and only those', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a> é`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt; é');
  });

  test('every character HTML gives meaning to is escaped, and <mark> is the only markup', () => {
    const s = snippet(`<script>alert("x")</script> & it's a tomato`, parseQuery('tomato'));
    expect(s).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it&#39;s a <mark>tomato</mark>');
    expect(stripMarks(s)).not.toContain('<');
  });

  test('matched words are marked as written, prefix matches and accented forms included', () => {
    const s = snippet('Crème brûlée and CREME caramel, gardening and a garden', parseQuery('creme gard'));
    expect(marked(s)).toEqual(['Crème', 'CREME', 'gardening', 'garden']);
  });

  test('excluded words and words merely containing a query word are not marked', () => {
    expect(marked(snippet('tomato tomatoes slug', parseQuery('tomato -slug ')))).toEqual(['tomato']);
  });

  test('a long text is cut to a window around the first match, with … where it was cut', () => {
    const text = `${'early '.repeat(100)}the needle is here ${'late '.repeat(100)}`.trim();
    const s = snippet(text, parseQuery('needle'), 60);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(marked(s)).toEqual(['needle']);
    expect(stripMarks(s).length).toBeLessThanOrEqual(60 + 2);
  });

  test('a short text is shown whole, with no …', () => {
    expect(snippet('just a needle', parseQuery('needle'))).toBe('just a <mark>needle</mark>');
  });

  test('with no match the snippet is the start of the text', () => {
    const s = snippet(`beginning ${'more '.repeat(100)}`, parseQuery('absent'), 40);
    expect(s.startsWith('beginning ')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
  });

  // Words joined by punctuation rather than spaces (paths, lists, code) are where a cut is likeliest.
  test.each([
    ['spaces', (ws: string[]) => ws.join(' ')],
    ['slashes', (ws: string[]) => ws.join('/')],
    ['commas', (ws: string[]) => ws.join(',')],
  ])('the window never starts or ends inside a word (words joined by %s)', (_label, join) => {
    const before = Array.from({ length: 40 }, (_, i) => `before${i}`);
    const after = Array.from({ length: 40 }, (_, i) => `after${i}`);
    const text = join([...before, 'needle', ...after]);
    for (const size of [30, 47, 60, 83, 120]) {
      const shown = unescapeHtml(stripMarks(snippet(text, parseQuery('needle'), size))).replace(/^…/, '').replace(/…$/, '');
      const at = text.indexOf(shown);
      expect(at).toBeGreaterThanOrEqual(0);
      const end = at + shown.length;
      expect({ size, shown, cutAtStart: isWordChar(text[at - 1]) && isWordChar(text[at]) }).toEqual({ size, shown, cutAtStart: false });
      expect({ size, shown, cutAtEnd: isWordChar(text[end - 1]) && isWordChar(text[end]) }).toEqual({ size, shown, cutAtEnd: false });
    }
  });

  test('for any text and query, the snippet marks exactly the words of its window that match', () => {
    const word = fc.constantFrom('needle', 'Needles', 'Café', 'cafe', 'tomato', 'x', '12', 'ﬁne', 'ＡＢＣ', 'nëedle', '𝒙y', 'e\u0301t');
    const sep = fc.constantFrom(' ', '-', ', ', '/', '…', '\n', '\u00a0');
    const text = fc.array(fc.tuple(word, sep), { maxLength: 120 }).map((a) => a.map(([w, s]) => w + s).join(''));
    const query = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(text, query, fc.integer({ min: 20, max: 250 }), (t, q, size) => {
        const parsed = parseQuery(q);
        const hit = (w: string) => parsed.wanted.includes(fold(w)) || (parsed.prefix !== null && fold(w).startsWith(parsed.prefix));
        const s = snippet(t, parsed, size);
        const body = unescapeHtml(stripMarks(s)).replace(/^…/, '').replace(/…$/, '');
        expect(marked(s)).toEqual((body.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).filter(hit));
      }),
      { numRuns: 500, seed: 20 },
    );
  });

  test('for any text and query, the snippet is escaped text with marks and nothing else', () => {
    const word = fc.constantFrom('needle', 'Café', 'CAFE', 'tomato', 'x', '12', 'ﬁne', 'ＡＢＣ', '<b>', '&amp;', '"q"', "it's");
    const sep = fc.constantFrom(' ', '  ', '-', ', ', '/', '<', '>', '&', '"', "'", '…', '\n');
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.array(fc.tuple(word, sep), { maxLength: 80 }).map((a) => a.map(([w, s]) => w + s).join('')),
    );
    const query = fc.oneof(fc.string({ maxLength: 30 }), fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' ')));
    fc.assert(
      fc.property(text, query, fc.integer({ min: 20, max: 250 }), (t, q, size) => {
        const s = snippet(t, parseQuery(q), size);
        const plain = stripMarks(s);
        expect(plain).not.toMatch(/[<>]/);
        // Every & starts one of the escapes: nothing in the text can pass for an entity of its own.
        expect(plain.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        // Marks open and close in pairs, never nested, around text with no markup of its own.
        expect(s).toMatch(/^(?:[^<]|<mark>[^<]+<\/mark>)*$/);
        const body = unescapeHtml(plain).replace(/^…/, '').replace(/…$/, '');
        expect(t).toContain(body);
      }),
      { numRuns: 500, seed: 18 },
    );
  });
});
