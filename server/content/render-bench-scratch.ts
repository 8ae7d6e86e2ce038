import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { SANITIZE_OPTIONS } from './sanitize-options.js';
import { renderPostBody } from './render.js';
const md = new MarkdownIt('default', { html: true, linkify: true });
const chunk = '## Title\n\nSome *text* with a [link](https://example.org/) and <b>html</b> and `code`.\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n';
const source = chunk.repeat(Math.ceil(20_000 / chunk.length)).slice(0, 20_000);
const prose = ('Lorem ipsum dolor sit amet, *consectetur* adipiscing elit. See https://example.org/x for more. '.repeat(20) + '\n\n').repeat(10).slice(0,20000);
for (const [name, s] of [['mixed', source], ['prose', prose]] as const) {
  for (let i = 0; i < 20; i++) renderPostBody(s);
  let t = performance.now(); for (let i = 0; i < 50; i++) md.render(s); const a = (performance.now() - t) / 50;
  const h = md.render(s);
  t = performance.now(); for (let i = 0; i < 50; i++) sanitizeHtml(h, SANITIZE_OPTIONS); const b = (performance.now() - t) / 50;
  t = performance.now(); for (let i = 0; i < 50; i++) renderPostBody(s); const c = (performance.now() - t) / 50;
  console.log(name, 'md', a.toFixed(2), 'sanitize', b.toFixed(2), 'total', c.toFixed(2), 'ms');
}
