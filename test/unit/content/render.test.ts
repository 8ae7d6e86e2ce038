import { renderPostBody } from '../../../server/content/render.js';
import { safeHref } from '../../../server/content/sanitize-options.js';
import { EXPECTED_REL, findViolations } from './allowlist.js';

const REL = `rel="${EXPECTED_REL}"`;

/** Render and also assert the output honours the contract, whatever the test is about. */
function render(source: string): string {
  const html = renderPostBody(source);
  expect(findViolations(html)).toEqual([]);
  return html;
}

describe('renderPostBody: allowed constructs render', () => {
  it('paragraphs, emphasis, strong, strike and inline code', () => {
    expect(render('Hello *you* and **me**, ~~gone~~ and `x < y`.')).toBe(
      '<p>Hello <em>you</em> and <strong>me</strong>, <s>gone</s> and <code>x &lt; y</code>.</p>\n',
    );
  });

  it('inline HTML from the allowlist survives (b, i, del, br)', () => {
    expect(render('<b>b</b> <i>i</i> <del>d</del> line<br>break')).toBe(
      '<p><b>b</b> <i>i</i> <del>d</del> line<br />break</p>\n',
    );
  });

  it('headings h1-h6, hr and block quotes', () => {
    const html = render('# one\n## two\n### three\n#### four\n##### five\n###### six\n\n---\n\n> quoted\n> > nested');
    for (let n = 1; n <= 6; n++) expect(html).toMatch(new RegExp(`<h${n}>[a-z]+</h${n}>`));
    expect(html).toContain('<hr />');
    expect(html).toContain('<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>nested</p>\n</blockquote>\n</blockquote>');
  });

  it('lists, keeping a numeric start on ordered lists', () => {
    expect(render('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n');
    expect(render('3. c\n4. d')).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n');
    expect(render('<ol start="2x" onclick="x()"><li>e</li></ol>')).toBe('<ol><li>e</li></ol>');
  });

  it('code blocks keep a language-xxx class and escape their content', () => {
    expect(render('```ts\nconst a = "<b>";\n```')).toBe(
      '<pre><code class="language-ts">const a = "&lt;b&gt;";\n</code></pre>\n',
    );
    expect(render('```c++\nx\n```')).toContain('<code class="language-c++">');
    expect(render('    indented <i>\n')).toBe('<pre><code>indented &lt;i&gt;\n</code></pre>\n');
  });

  it('other classes are dropped, including smuggled ones on code', () => {
    expect(render('```js" class="evil\nx\n```')).toBe('<pre><code>x\n</code></pre>\n');
    expect(render('<code class="language-js hljs evil">x</code>')).toBe('<p><code class="language-js">x</code></p>\n');
    expect(render('<p class="admin" id="main" title="t">x</p>')).toBe('<p>x</p>');
  });

  it('tables render, alignment as align= and never as style=', () => {
    const html = render('| l | c | r | n |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |');
    expect(html).not.toContain('style');
    expect(html).toContain('<th align="left">l</th>');
    expect(html).toContain('<th align="center">c</th>');
    expect(html).toContain('<td align="right">3</td>');
    expect(html).toContain('<td>4</td>');
    expect(html).toMatch(/^<table>\n<thead>\n<tr>[\s\S]*<\/tbody>\n<\/table>\n$/);
  });

  it('table cells in raw HTML lose everything but a plain alignment', () => {
    expect(render('<table><tr><td style="text-align:center;background:url(https://evil.example/x)" align="left">a</td><td align="justify" colspan="2">b</td></tr></table>'))
      .toBe('<table><tr><td align="left">a</td><td>b</td></tr></table>');
    expect(render('<table><tr><td style="color:red">a</td><td style="TEXT-ALIGN: Right;">b</td></tr></table>'))
      .toBe('<table><tr><td>a</td><td align="right">b</td></tr></table>');
  });
});

describe('renderPostBody: links', () => {
  it('Markdown links get the rel, no target, and keep their title', () => {
    expect(render('[docs](https://example.org/a?b=1&c=2 "The docs")')).toBe(
      `<p><a href="https://example.org/a?b=1&amp;c=2" ${REL} title="The docs">docs</a></p>\n`,
    );
  });

  it('bare URLs and e-mail addresses are linkified', () => {
    expect(render('see https://example.org and mail me@example.org')).toBe(
      `<p>see <a href="https://example.org/" ${REL}>https://example.org</a> and mail <a href="mailto:me@example.org" ${REL}>me@example.org</a></p>\n`,
    );
  });

  it('user-supplied rel, target, name, id, on* and style are replaced or dropped', () => {
    expect(render('<a href="http://example.org/x" target="_blank" rel="opener" name="n" id="i" onclick="x()" style="color:red">x</a>')).toBe(
      `<p><a href="http://example.org/x" ${REL}>x</a></p>\n`,
    );
  });

  it.each([
    ['javascript:', '[x](javascript:alert(1))'],
    ['javascript: in HTML', '<a href="javascript:alert(1)">x</a>'],
    ['entity-encoded javascript:', '<a href="&#106;avascript:alert(1)">x</a>'],
    ['tab-split javascript:', '<a href="java&#9;script:alert(1)">x</a>'],
    ['mixed-case', '<a href="JaVaScRiPt:alert(1)">x</a>'],
    ['leading control characters', '<a href="&#1; javascript:alert(1)">x</a>'],
    ['vbscript:', '<a href="vbscript:msgbox(1)">x</a>'],
    ['data:', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
    ['data: image through Markdown', '[x](data:image/png;base64,iVBORw0KGgo=)'],
    ['file:', '<a href="file:///etc/passwd">x</a>'],
    ['protocol-relative', '[x](//evil.example/p)'],
    ['backslash protocol-relative', '<a href="/\\evil.example/p">x</a>'],
    ['relative path (by policy)', '[x](/t/42)'],
    ['fragment (by policy)', '[x](#top)'],
    ['no href at all', '<a name="x">x</a>'],
  ])('a link with %s loses its href and is unwrapped to text', (_name, source) => {
    const html = render(source);
    expect(html).not.toContain('<a');
    expect(html).not.toMatch(/href=/);
  });

  it('a refused link keeps its text and the surrounding markup', () => {
    expect(render('before <a href="javascript:alert(1)">in <em>side</em></a> after')).toBe(
      '<p>before in <em>side</em> after</p>\n',
    );
  });

  it('a Markdown link the parser refuses stays visible as plain text', () => {
    expect(render('[x](javascript:alert(1))')).toBe('<p>[x](javascript:alert(1))</p>\n');
  });

  it('credentials are removed and hostnames are shown in ASCII', () => {
    expect(render('<a href="https://bank.example@evil.example/">x</a>')).toBe(
      `<p><a href="https://evil.example/" ${REL}>x</a></p>\n`,
    );
    expect(render('<a href="https://exаmple.org/">x</a>')).toContain('href="https://xn--exmple-4nf.org/"');
  });

  it('a title cannot break out of its attribute', () => {
    const html = render('[a](http://x "\\" onmouseover=\\"alert(1)")');
    expect(html).toBe(`<p><a href="http://x/" ${REL} title="&quot; onmouseover=&quot;alert(1)">a</a></p>\n`);
  });
});

describe('safeHref', () => {
  it.each([
    ['https://example.org', 'https://example.org/'],
    ['HTTP://EXAMPLE.ORG/A', 'http://example.org/A'],
    ['  https://example.org/x\n', 'https://example.org/x'],
    ['mailto:a@example.org', 'mailto:a@example.org'],
    ['https://u:p@example.org/', 'https://example.org/'],
  ])('%j is allowed as %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)', ' \u0001javascript:alert(1)', 'java\nscript:alert(1)', 'vbscript:x', 'data:text/html,x',
    'file:///x', 'ftp://example.org/', 'tel:123', '//evil.example', '/\\evil.example', '\\\\evil.example', '/path',
    'path', '#frag', '?q', '', 'http://', 'https://exa mple.org',
  ])('%j is refused', (input) => {
    expect(safeHref(input)).toBeUndefined();
  });
});

describe('renderPostBody: things that must not render', () => {
  it('Markdown images render as their alt text only', () => {
    expect(render('![a *cat*](https://evil.example/beacon.png "t")')).toBe('<p>a cat</p>\n');
    expect(render('![x][i]\n\n[i]: https://evil.example/b.png')).toBe('<p>x</p>\n');
    expect(render('[![alt](https://evil.example/b.png)](https://example.org/)')).toBe(
      `<p><a href="https://example.org/" ${REL}>alt</a></p>\n`,
    );
  });

  it('HTML images, media, frames, forms and foreign content are removed', () => {
    const html = render(
      '<img src="https://evil.example/i.png"><iframe src="https://evil.example/"></iframe><video src="x"></video>' +
        '<audio src="x"></audio><object data="x"></object><embed src="x"><form action="x"><input><button>b</button></form>' +
        '<svg><circle r="1"/></svg><math><mi>m</mi></math><base href="https://evil.example/"><meta http-equiv="refresh" content="0">' +
        '<link rel="stylesheet" href="x">kept',
    );
    // The <form> implicitly closes the paragraph; only empty <p>s and the text remain.
    expect(html.replace(/<\/?p>/g, '')).toBe('bkept\n');
  });

  it('script, style, textarea, noscript and template content is dropped, not shown as text', () => {
    expect(render('<script>alert(1)</script><style>p{}</style><textarea>t</textarea><noscript>n</noscript><template>t</template>ok')).toBe('ok');
  });

  it('inline styles never survive', () => {
    expect(render('<p style="color:red">x</p><strong style="background:url(https://evil.example/)">y</strong>')).toBe('<p>x</p><strong>y</strong>');
  });

  it.each([
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg><style><img src=x onerror=alert(1)>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  ])('mutation-XSS classic %j comes out as inert text', (source) => {
    // The payload sits in a dropped subtree; at most a paragraph and escaped leftovers remain.
    const html = render(source);
    expect(html.replace(/<\/?p>/g, '')).not.toMatch(/[<>]/);
    expect(html).not.toContain('onerror');
  });

  it('escaped markup in text stays escaped', () => {
    expect(render('&lt;img src=x onerror=alert(1)&gt;')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>\n');
  });
});

describe('renderPostBody: purity and size', () => {
  it('renders the same source to the same HTML every time', () => {
    const source = '# t\n\n[a](https://example.org) <b>b</b>\n\n| x |\n|:-:|\n| y |';
    expect(renderPostBody(source)).toBe(renderPostBody(source));
  });

  // How fast a 20 KB post renders is measured by `npm run bench -- pipeline` (posts/s, 20 KB post).
  it('renders every section of a 20 KB post', () => {
    const chunk = '## Title\n\nSome *text* with a [link](https://example.org/) and <b>html</b> and `code`.\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n';
    const source = chunk.repeat(Math.ceil(20_000 / chunk.length)).slice(0, 20_000);
    const html = renderPostBody(source);
    const whole = Math.floor(20_000 / chunk.length); // and a last copy cut short inside its link
    expect(html.match(/<h2>Title<\/h2>/g)).toHaveLength(whole + 1);
    expect(html.match(/<a href="https:\/\/example.org\/"/g)).toHaveLength(whole);
    expect(html.match(/<table>/g)).toHaveLength(whole);
  });
});
