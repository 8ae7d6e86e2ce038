import { renderPostBody } from '../../../server/content/render.js';
import { preparePost, previewPost, type Severities } from '../../../server/content/pipeline.js';
import { checkRendered } from '../../../server/content/rendered-check.js';
import { MENTION_KEY_ATTRIBUTE } from '../../../server/content/mention-links.js';
import { DEFAULT_SEVERITY } from '../../../shared/pii/index.js';
import { mentionedNames } from '../../../server/content/mentions.js';
import { XSS_VECTORS } from '../../e2e/xss-vectors.js';
import { findViolations } from './allowlist.js';

// A known member's @name is linked to their profile; every other @name stays text. What reaches
// readers is the sanitizer's output, so that is what these check.

const SEVERITIES = DEFAULT_SEVERITY as Severities;
const KNOWN = new Map([['bob', 'Bob'], ['jane.doe', 'Jane.Doe'], ['carol', 'carol']]);
const link = (username: string, written: string) => `<a href="/u/${username}" class="mention">@${written}</a>`;
const render = (source: string, known = KNOWN) => {
  const linked = new Set<string>();
  const html = renderPostBody(source, known, linked);
  expect(findViolations(html)).toEqual([]);
  return { html, linked: [...linked] };
};

describe('mentions in a rendered post', () => {
  test('a known member is linked to their profile as they spell it, and shown as written', () => {
    const { html, linked } = render('Thanks @BOB, and @jane.doe.\n\n@carol @Bob');
    expect(html).toBe(`<p>Thanks ${link('Bob', 'BOB')}, and ${link('Jane.Doe', 'jane.doe')}.</p>\n<p>${link('carol', 'carol')} ${link('Bob', 'Bob')}</p>\n`);
    expect(linked).toEqual(['bob', 'jane.doe', 'carol']); // in the order first written
  });

  test('an unknown name stays plain text', () => {
    const { html, linked } = render('@nobody meets @bob');
    expect(html).toBe(`<p>@nobody meets ${link('Bob', 'bob')}</p>\n`);
    expect(linked).toEqual(['bob']);
  });

  test('without members to link, a post renders exactly as before mentions existed', () => {
    expect(renderPostBody('hi @bob')).toBe('<p>hi @bob</p>\n');
    expect(renderPostBody('hi @bob', new Map())).toBe('<p>hi @bob</p>\n');
  });

  test('a known name in code, in a link or in an address is not linked', () => {
    const { html, linked } = render('`@bob`\n\n```\n@bob\n```\n\n[@bob](https://example.org/) carol@example.org');
    expect(html).not.toContain('class="mention"');
    expect(html).toContain('<code>@bob</code>');
    expect(html).toContain('<a href="https://example.org/" rel="nofollow ugc noopener noreferrer">@bob</a>');
    expect(linked).toEqual([]);
  });

  test('every mention of a known member is linked, inside emphasis and lists too', () => {
    const { html } = render('- **@bob** and @carol\n- @Bob');
    expect(html).toBe(`<ul>\n<li><strong>${link('Bob', 'bob')}</strong> and ${link('carol', 'carol')}</li>\n<li>${link('Bob', 'Bob')}</li>\n</ul>\n`);
  });

  test('names after the first twenty are not linked even when known', () => {
    const names = Array.from({ length: 21 }, (_, i) => `user${i}`);
    const { html, linked } = render(names.map((n) => `@${n}`).join(' '), new Map(names.map((n) => [n, n])));
    expect(linked).toEqual(names.slice(0, 20));
    expect(html).toContain(link('user19', 'user19'));
    expect(html).toContain(' @user20</p>');
  });
});

describe('mentions cannot carry markup or pose as one', () => {
  test('markup after an @ is removed or escaped like anywhere else', () => {
    const { html } = render('@<img src=x onerror=alert(1)> @bob<script>alert(1)</script> @"><b>x</b>');
    expect(html).toBe(`<p>@ ${link('Bob', 'bob')} @"&gt;<b>x</b></p>\n`);
  });

  test('a member name that is not a username never becomes a link', () => {
    const hostile = new Map([['bob', 'bob" onmouseover="alert(1)'], ['carol', '../../api/x'], ['dave', '//evil.example']]);
    const { html, linked } = render('@bob @carol @dave', hostile);
    expect(html).toBe('<p>@bob @carol @dave</p>\n');
    expect(linked).toEqual([]);
  });

  test('every vector of the XSS corpus keeps to the allowlist when each name it mentions is a member', () => {
    let linkedAny = 0;
    for (const v of XSS_VECTORS) {
      const names = mentionedNames(v.source);
      const { html } = render(v.source, new Map(names.map((n) => [n, n])));
      if (html.includes('class="mention"')) linkedAny++;
    }
    // The corpus has vectors with an @ after which a name can be read; were none linked, this would check nothing.
    expect(linkedAny).toBeGreaterThan(0);
  });

  test('an author cannot write a mention link by hand, with or without a guessed key', () => {
    const forged = [
      '<a href="/u/bob" class="mention">@bob</a>',
      `<a href="/u/bob" class="mention" ${MENTION_KEY_ATTRIBUTE}="0123456789abcdef0123456789abcdef">@bob</a>`,
      '<a href="https://example.org/" class="mention">site</a>',
    ];
    const { html } = render(forged.join(' '), new Map());
    expect(html).toBe('<p>@bob @bob <a href="https://example.org/" rel="nofollow ugc noopener noreferrer">site</a></p>\n');
  });
});

describe('mentions and personal data', () => {
  const card = '4111 1111 1111 1111';

  test('text around a mention is still masked, and the findings are those of the post without links', () => {
    const body = `@bob my card is ${card}`;
    const plain = preparePost({ body, acknowledge: ['CREDIT_CARD'] }, SEVERITIES);
    const linked = preparePost({ body, acknowledge: ['CREDIT_CARD'] }, SEVERITIES, KNOWN);
    expect(linked.findings).toEqual(plain.findings);
    expect(linked.source).toBe(plain.source);
    expect(linked.html).toBe(plain.html.replace('@bob', link('Bob', 'bob')));
    expect(linked.html).not.toContain(card);
    expect(linked.mentioned).toEqual(['bob']);
  });

  test('a name masked as personal data is neither linked nor counted as mentioned', () => {
    const name = '4111111111111111';
    const p = preparePost({ body: `hi @${name}`, acknowledge: ['CREDIT_CARD'] }, SEVERITIES, new Map([[name, name]]));
    expect(p.html).not.toContain('class="mention"');
    expect(p.mentioned).toEqual([]);
  });

  test('the preview links the same names as publishing does', () => {
    const body = 'ping @bob and @nobody';
    expect(previewPost(body, SEVERITIES, [], KNOWN).html).toBe(preparePost({ body, acknowledge: [] }, SEVERITIES, KNOWN).html);
    expect(previewPost(body, SEVERITIES, [], KNOWN).html).toContain(link('Bob', 'bob'));
  });

  test("a mention's profile path is not read for personal data, another link's address is", () => {
    // Never produced (the source is masked first); shows that the path is not read at all.
    const digits = '4539148803436467';
    expect(checkRendered(`<p><a href="/u/${digits}" class="mention">@x</a></p>`, SEVERITIES).found).toEqual([]);
    expect(checkRendered(`<p><a href="https://example.org/${digits}" rel="nofollow">x</a></p>`, SEVERITIES).found).not.toEqual([]);
  });
});
