import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import { preparePost, previewPost, type Severities } from '../../../server/content/pipeline.js';
import { checkRendered } from '../../../server/content/rendered-check.js';
import { DEFAULT_SEVERITY, PII_TYPES, type PiiType } from '../../../shared/pii/index.js';
import { ORDINARY_POSTS } from '../../fixtures/ordinary-posts.js';

// The published HTML is checked once more, as a browser shows it: whatever the reading of the
// source missed, a card number, SSN or IBAN is refused until acknowledged and never published whole.

const SEVERITIES = DEFAULT_SEVERITY as Severities;
const ALL: PiiType[] = [...PII_TYPES];
const CASES: string[] = [
  "Card [4539](https://www.visa.com) 1488 0343 6467, exp 04/27",
  "My SSN is [345-67](https://www.ssa.gov)-8901.",
  "IBAN: [DE89 3704](https://a.example) 0044 0532 0130 00",
  "Card: 4539 ![1488](x) 0343 6467",
  "Card: 4539 1488 ![](x)0343 6467",
  "Card: 4539 1488 [](https://a.example)0343 6467",
  "SSN: 345-67![](x)-8901",
  "Card: 4539 [1488][r] 0343 6467\n\n[r]: https://a.example",
  "Card: 4539 1488 </div>0343 6467",
  "Card: 4539 1488 <dd>0343</dd> 6467",
  "Card: 4539 1488 <style>x</style>0343 6467",
  "SSN: 345-67<style>x</style>-8901",
  "IBAN: <style>x</style>DE89 3704 0044 0532 0130 00",
  "Card: 4539 <img alt=\"x\">1488 0343 6467",
  "Card: 4539 <span title=\"-\">1488</span> 0343 6467",
  "Card: 4539 <a href=\"/x\">1488</a> 0343 6467",
  "Card: 4539\ufffc1488\ufffc0343\ufffc6467",
  "Use `<!--` here: &#52;539 1488 0343 6467 and `-->` there",
  "Use `<?php` here: \uff14\uff15\uff13\uff19 1488 0343 6467 and `?>` there",
  "# Note <!--\n&#52;539 1488 0343 6467\n-->",
  "a <!-- b\n\n&#52;539 1488 0343 6467\n\nc -->",
  "<div>\n\\&#52;539 1488 0343 6467\n</div>",
  "<div>\n&#52&#53;39 1488 0343 6467\n</div>",
  "<div>\n&#0000000052;539 1488 0343 6467\n</div>",
  "<div>\n4539 </b x>1488 0343 6467\n</div>",
  "<pre>\n</pre >4539 1488\n\n0343 6467\n</pre>",
  "see <a href=\"https://a.example\" title=\"&#0000000052;539 1488 0343 6467\">x</a>",
  "see <a href=\"https://a.example/&#0000000052;539148803436467\">x</a>",
  "x 4539 <!-- 4111 1111 1111 1111 --> 1488 0343 6467 y",
  "<4539148803436467@a.example>",
  "4539 1488 <tr>0343 6467</tr>",
  "<div>\n4539 1488 <tbody>0343 6467</tbody>\n</div>",
  "- 4539 1488 <table>0343 6467</table>",
  "<div>\n4539 1488 <table>0343 6467</table>\n</div>",
  "<div>\n4539\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a01488\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a00343\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0646&#55 ok\n</div>",
  "| a | b | c | d |\n|---|---|---|---|\n| 4539<div></div> | 1488 | 0343 | 6467 |",
  "| a | b | c | d |\n|---|---|---|---|\n| 4539<p></p> | 1488 | 0343 | 6467 |",
  "| a | b | c | d |\n|---|---|---|---|\n| 4539 | <b title=\"x\">1488</b> | 0343 | 6467 |",
  "<table><tr><td>4539</td><td title=\"card\">1488</td><td>0343</td><td>6467</td></tr></table>",
  "<table><tr><td>4539</td><td x=a'b>1488</td><td>0343</td><td>6467</td></tr></table>",
  "<table><tr><td>4539</td><td a=\"1\"b=\"2\">1488</td><td>0343</td><td>6467</td></tr></table>",
  "<table><tr><td>4539</td><td>1488</td><td>0343</td><td>646&#55 </td></tr></table>"
];
const VALUES = ['4539148803436467', '4111111111111111', '345678901', 'DE89370400440532013000'];

/** What a reader can read in sanitized HTML (text, link targets and titles), by tables of the test's own. */
const ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce];
function readable(html: string): string {
  const text = decodeHTML(sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }));
  const attrs = [...html.matchAll(/(?:href|title)="([^"]*)"/g)].map((m) => decodeURIComponent(decodeHTML(m[1] as string)));
  let out = '';
  for (const ch of [text, ...attrs].join(' ')) {
    const cp = ch.codePointAt(0) as number;
    const zero = ZEROS.find((z) => cp >= z && cp < z + 10);
    out += zero !== undefined ? String(cp - zero) : ch.normalize('NFKC').replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  }
  return out;
}

describe('the published HTML never shows a masked kind, whatever the source reading makes of it', () => {
  test.each(CASES.map((c) => [c]))('%j is refused until acknowledged, then published masked', (body) => {
    expect(() => preparePost({ body, acknowledge: [] }, SEVERITIES)).toThrow(expect.objectContaining({ code: 'pii_unacknowledged' }));
    const { html } = preparePost({ body, acknowledge: ALL }, SEVERITIES);
    const shown = readable(html);
    for (const v of VALUES) expect(shown).not.toContain(v);
  });

  test('a value only the rendered check finds is reported where the source holds it, and masked there too', () => {
    const body = 'Card: 4539\ufffc1488\ufffc0343\ufffc6467 thanks';
    const check = checkRendered(`<p>${body}</p>`, SEVERITIES);
    expect(check.found.map((f) => f.type)).toEqual(['CREDIT_CARD']);
    const preview = previewPost('<pre>\n</pre >4539 1488\n\n0343 6467\n</pre>', SEVERITIES);
    expect(preview.findings).toEqual([expect.objectContaining({ type: 'CREDIT_CARD', field: 'body' })]);
    const [f] = preview.findings;
    expect(f && '<pre>\n</pre >4539 1488\n\n0343 6467\n</pre>'.slice(f.start, f.end)).toBe('4539 1488\n\n0343 6467');
    const published = preparePost({ body: '<pre>\n</pre >4539 1488\n\n0343 6467\n</pre>', acknowledge: ['CREDIT_CARD', 'PHONE'] }, SEVERITIES);
    expect(published.source).not.toContain('4539');
    expect(readable(published.html)).toContain('6467');
  });

  test('invisible characters, white space and markup between the digits do not let a value skip the check', () => {
    const html = `<p>4539${'\u200b'.repeat(20)} \n\n\n\n\n\n\n\n <strong class="x"></strong><em></em>1488 0343 6467</p>`;
    expect(checkRendered(html, SEVERITIES).found.map((f) => f.type)).toEqual(['CREDIT_CARD']);
    const math = [...'4539148803436467'].map((d) => String.fromCodePoint(0x1d7ce + Number(d))).join('');
    expect(checkRendered(`<p>${math}</p>`, SEVERITIES).found.map((f) => f.type)).toEqual(['CREDIT_CARD']);
    const link = '<p><a href="https://a.example/4539148803436467" rel="nofollow">x</a></p>';
    expect(checkRendered(link, SEVERITIES).found.map((f) => f.type)).toEqual(['CREDIT_CARD']);
  });

  test('a nine-digit ordered-list start (an SSN as a list marker) is not published', () => {
    const { html } = preparePost({ body: '# SSN:\n345678901. is the one I was given', acknowledge: ALL }, SEVERITIES);
    expect(html).not.toContain('345678901'); // a browser shows an <ol start> as the first marker
  });

  test('a table of figures, written as HTML or as Markdown, is not taken for card numbers', () => {
    const markdown = '| Year | Q1 | Q2 | Q3 | Q4 | Total |\n| --- | --- | --- | --- | --- | --- |\n| 2020 | 5558 | 4310 | 6200 | 6434 | 22502 |\n| 2021 | 5100 | 4200 | 6100 | 6300 | 21700 |';
    expect(preparePost({ body: markdown, acknowledge: [] }, SEVERITIES).html).toContain('<td>5558</td>');
    const html = '<table><tr><td>2020</td><td>5558</td><td>4310</td><td>6200</td><td>6434</td><td>22502</td></tr><tr><td>2021</td><td>5100</td><td>4200</td><td>6100</td><td>6300</td><td>21700</td></tr></table>';
    expect(checkRendered(html, SEVERITIES).found).toEqual([]);
  });

  test('ordinary posts pass the rendered check untouched', () => {
    const changed = ORDINARY_POSTS.filter((p) => {
      try {
        const { html } = preparePost({ body: p.body, acknowledge: [] }, SEVERITIES);
        return checkRendered(html, SEVERITIES).found.length > 0;
      } catch {
        return true;
      }
    }).map((p) => p.id);
    expect(changed).toEqual([]);
  });
});
