// The search page reads a snippet into text pieces itself (client/src/snippet.ts) instead of
// handing it to innerHTML: only <mark> and </mark> are markup, the five escapes are decoded once,
// and anything else stays text, so a snippet the server got wrong still cannot make an element.
import { decodeEntities, parseSnippet } from '../../../client/src/snippet.js';

test('matched words come out marked, the words around them plain', () => {
  expect(parseSnippet('My first <mark>scarf</mark>, in <mark>garter</mark> stitch.')).toEqual([
    { text: 'My first ', marked: false },
    { text: 'scarf', marked: true },
    { text: ', in ', marked: false },
    { text: 'garter', marked: true },
    { text: ' stitch.', marked: false },
  ]);
});

test('the five escapes are decoded once: an escaped tag is text, and "&amp;lt;" stays "&lt;"', () => {
  expect(parseSnippet('&lt;img src=x onerror=&quot;a()&quot;&gt; &#39;<mark>x</mark>&#39; &amp;lt;')).toEqual([
    { text: '<img src=x onerror="a()"> \'', marked: false },
    { text: 'x', marked: true },
    { text: "' &lt;", marked: false },
  ]);
  expect(decodeEntities('&nbsp;&#60;&amp;')).toBe('&nbsp;&#60;&');
});

test('markup the server should never send stays text, and no piece is ever empty', () => {
  expect(parseSnippet('<b>bold</b><mark></mark><mark><i>x</i></mark>')).toEqual([
    { text: '<b>bold</b>', marked: false },
    { text: '<i>x</i>', marked: true },
  ]);
  expect(parseSnippet('')).toEqual([]);
});
