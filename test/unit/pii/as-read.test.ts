import fc from 'fast-check';
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import { detectPii, maskPiiAsRead, readAsShown, type PiiType } from '../../../shared/pii/index.js';
import { preparePost, type Severities } from '../../../server/content/pipeline.js';
import { DEFAULT_SEVERITY, PII_TYPES } from '../../../shared/pii/index.js';

// What readers see is what is scanned: every disguise that the Markdown renderer and the browser
// undo must be found, and masked so that the published post no longer shows the value.

const ALL: PiiType[] = [...PII_TYPES];
const SEVERITIES = DEFAULT_SEVERITY as Severities;

/** The text a browser shows for sanitized post HTML: tags gone, entities decoded (the oracle). */
function shownText(html: string): string {
  return decodeHTML(sanitizeHtml(html.replace(/<\/(td|th|p|li|tr)>/g, ' $&'), { allowedTags: [], allowedAttributes: {} }));
}

/**
 * The digits a reader reads in rendered text, by a table of its own (not the detector's folding):
 * the decimal scripts the tests use, and whatever NFKC turns into an ASCII digit.
 */
const ORACLE_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6];
const ORACLE_DINGBATS: [number, number, number][] = [[0x2776, 0x277f, 1], [0x2780, 0x2789, 1], [0x278a, 0x2793, 1], [0x24f5, 0x24fe, 1], [0x24ff, 0x24ff, 0]];
function readerDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const zero = ORACLE_ZEROS.find((z) => cp >= z && cp < z + 10);
    const dingbat = ORACLE_DINGBATS.find(([a, b]) => cp >= a && cp <= b);
    if (zero !== undefined) out += String(cp - zero);
    else if (dingbat) out += String((dingbat[2] + cp - dingbat[0]) % 10);
    else out += ch.normalize('NFKC').replace(/[^0-9]/g, '');
  }
  return out;
}

/** Digits as a reader reads them, in any decimal script, with everything else dropped. */
const digitsOf = (text: string): string => readAsShown(text, 'plain').text.replace(/[^0-9]/g, '');
const alnumOf = (text: string): string => readAsShown(text, 'plain').text.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

function publish(body: string): string {
  return preparePost({ body, acknowledge: ALL }, SEVERITIES).html;
}

const typesIn = (text: string, format: 'plain' | 'markdown' = 'markdown') => detectPii(text, undefined, format).map((f) => f.type);

describe('disguises the renderer undoes are read through', () => {
  const card = '4111 1111 1111 1111';
  test.each([
    ['HTML entities for the spaces', '4111&#32;1111&#x20;1111&nbsp;1111'],
    ['an entity for one digit', '&#52;111 1111 1111 1111'],
    ['an HTML comment between groups', '4111 <!-- hidden --> 1111 1111 1111'],
    ['a tag between groups', '4111 <span></span>1111 <b>1111</b> 1111'],
    ['zero-width and soft-hyphen characters', '41\u200b11 11\u00ad11 1111\u2060 \ufeff1111'],
    ['bidi controls', '\u202e4111 1111\u202c 1111 \u200e1111'],
    ['no-break and thin spaces', '4111\u00a01111\u2009\u202f1111\u30001111'],
    ['a tab', '4111\t1111 1111 1111'],
    ['a soft line break', 'my card is 4111 1111\n1111 1111 ok'],
    ['en dashes and minus signs', '4111\u20131111\u20131111\u20131111'],
    ['full-width digits', '\uff14\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11 \uff11\uff11\uff11\uff11'],
    ['Arabic-Indic digits', '\u0664\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661 \u0661\u0661\u0661\u0661'],
    ['Devanagari digits', '\u096a\u0967\u0967\u0967 \u0967\u0967\u0967\u0967 \u0967\u0967\u0967\u0967 \u0967\u0967\u0967\u0967'],
    ['mathematical bold digits', '\u{1d7d2}111 1111 1111 1111'],
    ['emphasis inside the number', '4111 **1111** 1111 _1111_'],
    ['emphasis inside a group', '41*11* 1111 1111 1111'],
    ['code delimiters', '`4111` `1111` `1111` `1111`'],
    ['backslash escapes', '4111\\-1111\\-1111\\-1111'],
    ['groups spread over table cells', '| a | b | c | d |\n|---|---|---|---|\n| 4111 | 1111 | 1111 | 1111 |'],
    ['dots between groups', '4111.1111.1111.1111'],
  ])('a card number disguised with %s is found and masked', (_how, body) => {
    const text = `Here you go: ${body} thanks`;
    expect(typesIn(text)).toContain('CREDIT_CARD');
    const html = publish(text);
    expect(readerDigits(shownText(html))).not.toContain(card.replace(/ /g, ''));
    expect(readerDigits(shownText(html))).toMatch(/1111/); // the last four stay readable
  });

  test.each([
    ['entities for @ and .', 'joe&#64;example&#46;com'],
    ['named entities', 'joe&commat;example&period;com'],
    ['full-width @ and .', 'joe\uff20example\uff0ecom'],
    ['a small commercial at', 'joe\ufe6bexample.com'],
    ['a zero-width space in the local part', 'jo\u200be@example.com'],
    ['a comment inside', 'joe<!-- -->@example.com'],
    ['an ideographic full stop', 'joe@example\u3002com'],
  ])('an e-mail address written with %s is found', (_how, value) => {
    expect(typesIn(`write to ${value} please`)).toContain('EMAIL');
  });

  test.each([
    ['entity dashes', '345&#45;67&#45;8901', 'US_SSN'],
    ['en dashes', '345\u201367\u20138901', 'US_SSN'],
    ['no-break spaces in an IBAN', 'DE89&nbsp;3704&nbsp;0044&nbsp;0532&nbsp;0130&nbsp;00', 'IBAN'],
    ['a phone number with entity spaces', 'call +1&#32;415&#32;555&#32;2671 today', 'PHONE'],
    ['a phone number in Arabic-Indic digits', 'call +\u0664\u0664 20 7946 0958', 'PHONE'],
  ])('%s: still found', (_how, text, type) => {
    expect(typesIn('ssn 345-67-8901', 'plain')).toContain('US_SSN'); // the plain value is one the detector finds
    expect(typesIn(text)).toContain(type);
  });

  // Found by review: each shows the whole value on the rendered page unless the reading handles it.
  test.each([
    ['a stray asterisk before it', 'a*4539 1488 0343 6467'],
    ['a stray asterisk after it', '4539 1488 0343 6467*b'],
    ['a stray backtick', 'a`4539 1488 0343 6467'],
    ['a stray double tilde', 'a~~4539 1488 0343 6467'],
    ['an asterisk inside code', '`a*4539 1488 0343 6467`'],
    ['a reference without its semicolon in front', '&#4539 1488 0343 6467'],
    ['processing instructions between groups', '4539<?x?>1488<?x?>0343<?x?>6467'],
    ['a CDATA section between groups', '4539<![CDATA[]]>1488 0343 6467'],
    ['a declaration between groups', '4539<!X >1488 0343 6467'],
    ['a > inside a quoted attribute', '4539 <b class="a>b">1488</b> 0343 6467'],
    ['a tag-like text that is not a tag', '<b &#52;539 1488 0343 6467>'],
    ['entity line feeds', '4539&#10;1488&#10;0343&#10;6467'],
    ['a carriage return and &NewLine;', '4539&#13;1488&NewLine;0343&#10;6467'],
    ['a <br> between groups', '4539 1488<br>0343 6467'],
    ['a backslash hard break', '4539 1488\\\n0343 6467'],
    ['a block quote over two lines', '> 4539 1488\n> 0343 6467'],
    ['a nested block quote', '> > 4539 1488\n> > 0343 6467'],
    ['two list items', '- 4539 1488\n- 0343 6467'],
    ['combining accents on the digits', '4\u03015\u03013\u03019\u0301 1488 0343 6467'],
    ['keycap digits', '4\ufe0f\u20e35\ufe0f\u20e33\ufe0f\u20e39\ufe0f\u20e3 1488 0343 6467'],
    ['dingbat circled digits', '\u2779\u277a\u2778\u277e 1488 0343 6467'],
    ['a parenthesized digit', '\u2477539 1488 0343 6467'],
    ['a digit with a full stop', '\u248b539 1488 0343 6467'],
    ['Braille blanks', '4539\u28001488\u28000343\u28006467'],
    ['a pipe hidden in an attribute beside a figure', '4539 1488 <b class="|">0343</b> 6467 | 12'],
    ['an IBAN whose last group starts it', 'Refund to BE59 1234 5678 4539 1488 0343 6467'],
  ])('a card number behind %s is found and never shown', (_how, body) => {
    const text = `Number: ${body} ok`;
    expect(typesIn(text).some((t) => t === 'CREDIT_CARD' || t === 'IBAN')).toBe(true);
    expect(readerDigits(shownText(publish(text)))).not.toContain('4539148803436467');
  });

  test('thread titles (plain text) ignore invisible characters and fold digits', () => {
    expect(typesIn('card 4111\u200b1111\u200b1111\u200b1111', 'plain')).toContain('CREDIT_CARD');
    expect(typesIn('card \u0664\u0661\u0661\u0661 1111 1111 1111', 'plain')).toContain('CREDIT_CARD');
    // A title is shown as written, so an entity in it is not decoded: the reader sees "&#52;".
    expect(typesIn('card &#52;111', 'plain')).toEqual([]);
  });

  test('findings point into the submitted source and masking keeps the markup around the value', () => {
    const text = '| a | b | c | d |\n|---|---|---|---|\n| 4111 | 1111 | 1111 | 1111 |';
    const [f] = detectPii(text, undefined, 'markdown');
    expect(f && text.slice(f.start, f.end)).toBe('4111 | 1111 | 1111 | 1111');
    expect(maskPiiAsRead(text, detectPii(text, undefined, 'markdown'), 'markdown')).toBe(
      '| a | b | c | d |\n|---|---|---|---|\n| \u2022\u2022\u2022\u2022 | \u2022\u2022\u2022\u2022 | \u2022\u2022\u2022\u2022 | 1111 |',
    );
    expect(publish(text)).toContain('<td>1111</td>');
  });

  test('a value in a comment between the groups of another is masked in the stored source too', () => {
    const { source } = preparePost({ body: 'x 4539 <!-- 4111 1111 1111 1111 --> 1488 0343 6467 y', acknowledge: ALL }, SEVERITIES);
    expect(source).toBe('x \u2022\u2022\u2022\u2022 <!-- \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 --> \u2022\u2022\u2022\u2022 \u2022\u2022\u2022\u2022 6467 y');
  });

  test('a value hidden inside a comment is masked as written', () => {
    const text = 'nothing to see <!-- 4111 1111 1111 1111 -->';
    const masked = preparePost({ body: text, acknowledge: ALL }, SEVERITIES).source;
    expect(digitsOf(masked)).not.toContain('4111111111111111');
  });
});

// ---- Property-based: values found in plain form stay found under every disguise -------------

const luhnDigit = (body: number[]): number => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body[body.length - 1 - i] as number;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
};

const visa = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }).map((rest) => {
  const body = [4, ...rest];
  return [...body, luhnDigit(body)].join('');
});
const ssn = fc
  .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .map(([a, g, s]) => `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`);

type Value = { type: PiiType; plain: string; groups: string[]; sep: string };
const cardValue = visa.map((d): Value => ({ type: 'CREDIT_CARD', plain: d.replace(/(\d{4})(?=\d)/g, '$1 '), groups: d.match(/\d{4}/g) as string[], sep: ' ' }));
const ssnValue = ssn.map((s): Value => ({ type: 'US_SSN', plain: s, groups: s.split('-'), sep: '-' }));

const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xff10, 0x1d7ce, 0xe50];
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u00ad', '\u2060', '\ufeff', '\u200e', '\u202a', '\u2066', '\u034f', '\u0301', '\ufe0f\u20e3'];
const SPACES = [' ', '&#32;', '&#x20;', '&nbsp;', '\u00a0', '\u2002', '\u2009', '\u202f', '\u3000', '\u2800', '\t', ' <!-- x --> ', ' <span></span>', '\n', '&#10;', '&NewLine;', '<br>', ' <?x?> ', '\n> ', '\n- '];
const DASHES = ['-', '&#45;', '&#x2d;', '&hyphen;', '\u2010', '\u2011', '\u2013', '\u2014', '\u2212', '\ufe63', '\uff0d', '<!-- -->-', '\\-', '<![CDATA[]]>-'];

/** One disguised digit: another script, an entity, or itself; maybe followed by an invisible character. */
const digitDisguise = (d: string) =>
  fc.tuple(fc.constantFrom(...DIGIT_ZEROS, -1, -2, -3), fc.option(fc.constantFrom(...INVISIBLE), { freq: 4 })).map(([zero, inv]) => {
    const v = d.charCodeAt(0) - 48;
    const dingbat = v === 0 ? 0x24ff : 0x2775 + v; // ⓿, ❶ … ❾
    const ch = zero === -1 ? `&#${48 + v};` : zero === -2 ? `&#x${(48 + v).toString(16)};` : zero === -3 ? String.fromCodePoint(dingbat) : String.fromCodePoint(zero + v);
    return ch + (inv ?? '');
  });

const groupDisguise = (g: string) =>
  fc.tuple(fc.tuple(...[...g].map(digitDisguise)), fc.constantFrom('', '**', '*', '<b>', '`')).map(([ds, wrap]) => {
    const inner = ds.join('');
    if (!wrap) return inner;
    return wrap === '<b>' ? `<b>${inner}</b>` : `${wrap}${inner}${wrap}`;
  });

function disguised(v: Value) {
  return fc
    .tuple(fc.tuple(...v.groups.map(groupDisguise)), fc.array(fc.constantFrom(...(v.sep === ' ' ? SPACES : DASHES)), { minLength: v.groups.length, maxLength: v.groups.length }), fc.boolean())
    .map(([gs, seps, table]) => {
      if (table && v.sep === ' ') {
        const head = `| ${gs.map((_, i) => `c${i}`).join(' | ')} |\n|${gs.map(() => '---').join('|')}|\n`;
        return `${head}| ${gs.join(' | ')} |`;
      }
      return gs.map((g, i) => (i === 0 ? g : (seps[i] as string) + g)).join('');
    });
}

const cases = fc.oneof(cardValue, ssnValue).chain((v) => fc.tuple(fc.constant(v), disguised(v)));

describe('property: every disguise the renderer undoes is found, and the published post never shows the value', () => {
  test('cards and SSNs, disguised at random, are found and masked away', () => {
    fc.assert(
      fc.property(cases, ([v, body]) => {
        fc.pre(typesIn(`ref ${v.plain} ok`, 'plain').includes(v.type)); // values the detector finds in plain form
        const text = `Value:\n\n${body}\n\nthanks`;
        expect(typesIn(text)).toContain(v.type);
        const shown = readerDigits(shownText(publish(text)));
        expect(shown).not.toContain(v.plain.replace(/\D/g, ''));
      }),
      { numRuns: 400 },
    );
  });

  test('IBANs with entity or Unicode spaces are found and masked away', () => {
    const ibans = ['DE89 3704 0044 0532 0130 00', 'GB82 WEST 1234 5698 7654 32', 'FR14 2004 1010 0505 0001 3M02 606', 'NL91 ABNA 0417 1643 00'];
    fc.assert(
      fc.property(fc.constantFrom(...ibans), fc.array(fc.constantFrom(...SPACES.filter((s) => s !== '\t')), { minLength: 7, maxLength: 7 }), (iban, seps) => {
        const groups = iban.split(' ');
        const body = groups.map((g, i) => (i === 0 ? g : (seps[i - 1] as string) + g)).join('');
        expect(typesIn(`IBAN: ${body} ok`)).toContain('IBAN');
        expect(alnumOf(shownText(publish(`IBAN: ${body} ok`)))).not.toContain(iban.replace(/ /g, ''));
      }),
      { numRuns: 200 },
    );
  });

  test('e-mail addresses with folded @ and . or invisible characters are found', () => {
    const at = ['@', '&#64;', '&commat;', '\uff20', '\ufe6b', '<!-- -->@'];
    const dot = ['.', '&#46;', '&period;', '\uff0e', '\u3002'];
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{2,8}$/),
        fc.stringMatching(/^[a-z]{3,10}$/),
        fc.constantFrom('com', 'org', 'net', 'de'),
        fc.constantFrom(...at),
        fc.constantFrom(...dot),
        fc.option(fc.constantFrom(...INVISIBLE)),
        (local, domain, tld, a, d, inv) => {
          const value = `${local.slice(0, 1)}${inv ?? ''}${local.slice(1)}${a}${domain}${d}${tld}`;
          fc.pre(typesIn(`${local}@${domain}.${tld}`, 'plain').includes('EMAIL'));
          expect(typesIn(`mail ${value} now`)).toContain('EMAIL');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the reading of ordinary text', () => {
  test('text without markup or unusual characters reads as itself', () => {
    const r = readAsShown('Plain words, 12 apples and 3 pears.', 'markdown');
    expect(r.identity).toBe(true);
  });

  test('versions, dates and a table of figures are not warned about', () => {
    const text = 'Release 2.14.3 on 2024-03-15.\n\n| quarter | 2021 | 2022 | 2023 |\n|---|---|---|---|\n| Q1 | 1203 | 1450 | 1622 |\n| Q2 | 1310 | 1502 | 1710 |';
    expect(detectPii(text, undefined, 'markdown')).toEqual([]);
  });

  test('a row of figures in a table of figures is not read as one number', () => {
    const sales = '| Year | Q1 | Q2 | Q3 | Q4 | Total |\n| --- | --- | --- | --- | --- | --- |\n| 2020 | 5558 | 4310 | 6200 | 6434 | 22502 |';
    expect(detectPii(sales, undefined, 'markdown')).toEqual([]);
    const bench = '| board | a | b | c | d |\n|---|---|---|---|---|\n| Raspberry Pi 4 | 412 | 766 | 1190 | 1204 |';
    expect(detectPii(bench, undefined, 'markdown')).toEqual([]);
    const rows = '| k | a | b | c | d |\n|---|---|---|---|---|\n| x | 1203 | 1450 | 1622 | 1810 |\n| y | 5558 | 4310 | 6200 | 6434 |';
    expect(detectPii(rows, undefined, 'markdown')).toEqual([]);
  });

  test('a card number spread over the cells of a labelled row is still found', () => {
    const text = '| what | a | b | c | d |\n|---|---|---|---|---|\n| my card | 5558 | 4310 | 6200 | 6434 |\n| note | see | you | at | noon |';
    expect(typesIn(text)).toEqual(['CREDIT_CARD']);
  });

  test.each([
    ['a link around one group', 'Card [4539](https://www.visa.com) 1488 0343 6467, exp 04/27', 'CREDIT_CARD'],
    ['a link around part of an SSN', 'My SSN is [345-67](https://www.ssa.gov)-8901.', 'US_SSN'],
    ['an image whose alt text is a group', 'Card: 4539 ![1488](x) 0343 6467', 'CREDIT_CARD'],
    ['an empty image between groups', 'Card: 4539 1488 ![](x)0343 6467', 'CREDIT_CARD'],
    ['an empty link between groups', 'Card: 4539 1488 [](https://a.example)0343 6467', 'CREDIT_CARD'],
    ['a reference link', 'Card: 4539 [1488][r] 0343 6467\n\n[r]: https://a.example', 'CREDIT_CARD'],
    ['a number in a link destination', 'see [docs](https://x.example/4539148803436467 "t")', 'CREDIT_CARD'],
    ['an address in a reference definition', '[r]: mailto:joe@example.com\n\nhi [there][r]', 'EMAIL'],
  ])('link syntax does not split or hide a value from the composer either: %s', (_how, text, type) => {
    expect(typesIn(text)).toContain(type);
  });

  test('brackets and exclamation marks in ordinary text are not findings', () => {
    expect(typesIn('array[0] and arr[1] plus [1] ref! wow! [see here](https://example.com/docs/v2.3.1)')).toEqual([]);
  });

  test.each([
    ['a right-to-left mark before groups written last first', 'Card: \u200f0007 0343 1488 4539', 'CREDIT_CARD'],
    ['a right-to-left override before a reversed number', '\u202e7646 3430 8841 9354', 'CREDIT_CARD'],
    ['an SSN written last group first after a mark', 'SSN: \u200f8901 67 345', 'US_SSN'],
    ['the rest of an IBAN reversed after a mark', 'IBAN: DE89 \u200f00 0130 0532 0044 3704', 'IBAN'],
    ['a Hebrew word before groups written last first', 'Card: \u05d0 0007 0343 1488 4539', 'CREDIT_CARD'],
  ])('a value a browser shows in another order is found: %s', (_how, text, type) => {
    expect(typesIn(text)).toContain(type);
    const shown = shownText(publish(text));
    // Whatever the order it is shown in, at most four of its digits remain.
    expect(readerDigits(shown).length - readerDigits(text.replace(/[0-9]+(?:[ -][0-9]+)+/g, '')).length).toBeLessThanOrEqual(4);
  });

  test('Arabic and Hebrew text with ordinary figures is not warned about', () => {
    expect(typesIn('\u0645\u0631\u062d\u0628\u0627 2024 1203 1450 1622 \u0634\u0643\u0631\u0627')).toEqual([]);
    expect(typesIn('\u05e9\u05dc\u05d5\u05dd, \u05d2\u05e8\u05e1\u05d4 1.2.3 \u05de 2024-03-15')).toEqual([]);
  });

  test.each([
    ['an expiry date and a CVV beside a card', '| Card | | | | Exp | CVV |\n|---|---|---|---|---|---|\n| 4539 | 1488 | 0343 | 6467 | 12/27 | 123 |', 'CREDIT_CARD'],
    ['a row number before a card', '| # | a | b | c | d |\n|---|---|---|---|---|\n| 1 | 4539 | 1488 | 0343 | 6467 |', 'CREDIT_CARD'],
    ['an age beside an SSN', '| SSN | | | Age |\n|---|---|---|---|\n| 345 | 67 | 8901 | 42 |', 'US_SSN'],
    ['an amount beside an IBAN', '| IBAN | | | | | | Amount |\n|---|---|---|---|---|---|---|\n| DE89 | 3704 | 0044 | 0532 | 0130 | 00 | 120.00 |', 'IBAN'],
  ])('a figure of another kind beside a value in a table does not excuse it: %s', (_how, text, type) => {
    expect(typesIn(text)).toEqual([type]);
  });

  test('a table of card numbers is a table of values, not of figures: every row is found', () => {
    const text = '| name | a | b | c | d |\n|---|---|---|---|---|\n| alice | 4539 | 1488 | 0343 | 6467 |\n| bob | 4111 | 1111 | 1111 | 1111 |';
    expect(typesIn(text)).toEqual(['CREDIT_CARD', 'CREDIT_CARD']);
  });

  test('the snake_case in a token stays part of it', () => {
    expect(readAsShown('see sk_live_abc and **4111**', 'markdown').text).toBe('see sk_live_abc and 4111');
  });
});
