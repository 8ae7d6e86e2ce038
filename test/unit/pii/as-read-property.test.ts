// Property-based: values found in plain form stay found under every random combination of the
// disguises the renderer undoes, and the published post never shows them.
import fc from 'fast-check';
import { readAsShown, type PiiType } from '../../../shared/pii/index.js';
import { publish, readerDigits, shownText, typesIn } from './as-read-setup.js';

const alnumOf = (text: string): string => readAsShown(text, 'plain').text.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

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
