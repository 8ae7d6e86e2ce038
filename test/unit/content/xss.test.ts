// DOM-free half of the XSS suite: every vector is rendered and the output is
// parsed with a real HTML parser (htmlparser2) and checked element by element
// against the allowlist in ./allowlist.ts. The browser half is test/e2e/xss.test.ts.

import sanitizeHtml from 'sanitize-html';
import { renderPostBody } from '../../../server/content/render.js';
import { SANITIZE_OPTIONS } from '../../../server/content/sanitize-options.js';
import { XSS_VECTORS, countByCategory } from '../../e2e/xss-vectors.js';
import { findViolations } from './allowlist.js';

describe('XSS vector corpus', () => {
  it('has at least 300 distinct vectors with unique ids', () => {
    expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(XSS_VECTORS.map((v) => v.source)).size).toBe(XSS_VECTORS.length);
    expect(new Set(XSS_VECTORS.map((v) => v.id)).size).toBe(XSS_VECTORS.length);
  });

  it('covers every family the threat model names', () => {
    const counts = countByCategory();
    for (const family of ['url', 'handler', 'handler-syntax', 'svg', 'math', 'base', 'meta', 'form', 'css', 'mxss', 'unclosed', 'comment', 'cdata', 'md']) {
      expect(counts[family] ?? 0).toBeGreaterThan(0);
    }
  });

  it('the checker itself flags what it should (sanity)', () => {
    expect(findViolations('<p>ok <a href="https://example.org/" rel="nofollow ugc noopener noreferrer">x</a></p>')).toEqual([]);
    expect(findViolations('<img src=x onerror=alert(1)>').length).toBeGreaterThan(0);
    expect(findViolations('<a href="javascript:alert(1)" rel="nofollow ugc noopener noreferrer">x</a>').length).toBeGreaterThan(0);
    expect(findViolations('<a href="https://example.org/">no rel</a>').length).toBeGreaterThan(0);
    expect(findViolations('<p style="color:red">x</p>').length).toBeGreaterThan(0);
    expect(findViolations('<p onclick="x()">x</p>').length).toBeGreaterThan(0);
    expect(findViolations('<code class="hljs">x</code>').length).toBeGreaterThan(0);
    expect(findViolations('<!-- x -->').length).toBeGreaterThan(0);
    expect(findViolations('<span>x</span>').length).toBeGreaterThan(0);
  });
});

describe.each(Object.keys(countByCategory()))('XSS vectors: %s', (family) => {
  const vectors = XSS_VECTORS.filter((v) => v.category.split('/')[0] === family);

  it.each(vectors.map((v) => [v.id, v.category, v] as const))('#%i %s renders inside the allowlist', (_id, _category, vector) => {
    const html = renderPostBody(vector.source);
    expect({ source: vector.source, html, violations: findViolations(html) }).toEqual({
      source: vector.source,
      html,
      violations: [],
    });
    // The output is a fixed point of the sanitizer: re-parsing what we emit
    // finds nothing further to remove, i.e. there is no parser differential
    // for a later reader (the browser) to exploit.
    expect(sanitizeHtml(html, SANITIZE_OPTIONS)).toBe(html);
  });
});
