// The reading of ordinary text: figures, versions, dates, tables of figures and right-to-left text
// are not warned about, while link syntax, another display order or a figure of another kind
// beside a value does not hide one.
import { detectPii, readAsShown } from '../../../shared/pii/index.js';
import { publish, readerDigits, shownText, typesIn } from './as-read-setup.js';

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
