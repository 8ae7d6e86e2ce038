// What readers see is what is scanned: every disguise that the Markdown renderer and the browser
// undo must be found, and masked so that the published post no longer shows the value. Random
// combinations of disguises are in as-read-property.test.ts, ordinary text in as-read-ordinary.test.ts.
import { detectPii, maskPiiAsRead, readAsShown } from '../../../shared/pii/index.js';
import { preparePost } from '../../../server/content/pipeline.js';
import { ALL, publish, readerDigits, SEVERITIES, shownText, typesIn } from './as-read-setup.js';

/** Digits as a reader reads them, in any decimal script, with everything else dropped. */
const digitsOf = (text: string): string => readAsShown(text, 'plain').text.replace(/[^0-9]/g, '');

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
