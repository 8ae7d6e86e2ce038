// A generated corpus of XSS vectors for renderPostBody (post bodies are
// Markdown with inline HTML). Every payload, if it ever ran, calls
// `window.__xss(<id>)` (or `alert(<id>)`), and every remote reference points
// at https://evil.example/<id>/..., so the browser harness can attribute an
// execution or an off-origin fetch to the exact vector.
//
// Vectors are written as templates with the placeholder ID; templates are
// de-duplicated before ids are assigned, so the count is of distinct payloads.
// The families are in test/fixtures/xss/, one file per kind of carrier; the
// order they are put together in here fixes each vector's id.
import { handlerTemplates, urlSinkTemplates } from '../fixtures/xss/attribute-vectors.js';
import { cssTemplates, refreshBaseFormTemplates, svgMathTemplates } from '../fixtures/xss/element-vectors.js';
import { htmlBlockTemplates, malformedTemplates, markdownTemplates, mutationTemplates } from '../fixtures/xss/parser-vectors.js';
import { B64_MARKER, type Template } from '../fixtures/xss/payloads.js';

export interface XssVector {
  /** Positive integer, unique; appears in the payload. */
  readonly id: number;
  readonly category: string;
  /** The Markdown/HTML source a hostile user would post. */
  readonly source: string;
}

function build(): XssVector[] {
  const soup = [...handlerTemplates().filter(([c]) => c.startsWith('handler-syntax/')), ...mutationTemplates(), ...malformedTemplates()];
  const templates: Template[] = [
    ...urlSinkTemplates(),
    ...handlerTemplates(),
    ...svgMathTemplates(),
    ...refreshBaseFormTemplates(),
    ...cssTemplates(),
    ...mutationTemplates(),
    ...malformedTemplates(),
    ...markdownTemplates(),
    ...htmlBlockTemplates(soup),
  ];
  const seen = new Set<string>();
  const vectors: XssVector[] = [];
  for (const [category, template] of templates) {
    if (seen.has(template)) continue;
    seen.add(template);
    const id = vectors.length + 1;
    const source = template
      .replaceAll('ID', String(id))
      .replace(B64_MARKER, (_m, text: string) => Buffer.from(text, 'utf8').toString('base64'));
    vectors.push({ id, category, source });
  }
  return vectors;
}

export const XSS_VECTORS: readonly XssVector[] = Object.freeze(build());

/** Top-level category (the part before the first slash) → number of vectors. */
export function countByCategory(vectors: readonly XssVector[] = XSS_VECTORS): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of vectors) {
    const top = v.category.split('/')[0] ?? v.category;
    counts[top] = (counts[top] ?? 0) + 1;
  }
  return counts;
}
