// Post bodies: CommonMark (with inline HTML) in, HTML that is safe to insert
// into another user's page with innerHTML out.
//
// Two stages, each configured once at module load because this runs on every
// post: markdown-it renders, then sanitize-html keeps only the allowlist in
// ./sanitize-options.ts. The sanitizer is the security boundary; markdown-it
// settings below only shape what legitimate Markdown produces.

// markdown-it is pinned to 14.1: 15.0's published build turns every class field into an
// Object.defineProperty call, which makes creating each token (and so rendering) twice as slow
// with identical output; the content pipeline's speed target is set against sanitize-html alone.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { SANITIZE_OPTIONS } from './sanitize-options.js';

const md = new MarkdownIt('default', {
  html: true, // users may write inline HTML; the sanitizer decides what stays
  linkify: true, // bare URLs become links (and then go through the link policy)
  typographer: false,
});

// Images would let any post make every reader's browser fetch a URL of the
// author's choosing (tracking pixels, IP harvesting). Render `![alt](src)` as
// its alt text only; raw <img> is removed by the sanitizer.
md.renderer.rules.image = (tokens, idx, options, env, self) =>
  md.utils.escapeHtml(self.renderInlineAsText(tokens[idx]?.children ?? [], options, env));

/** Render a post body to sanitised HTML. Pure: same input, same output. */
export function renderPostBody(source: string): string {
  return sanitizeHtml(md.render(source), SANITIZE_OPTIONS);
}
