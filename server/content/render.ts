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
import { mentionLinks, type MentionEnv, type Mentionable } from './mention-links.js';

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

md.use(mentionLinks);

/**
 * Render a post body to sanitised HTML. Pure: same input, same output. `mentionable`: the members
 * an `@name` links to (./mention-links.ts); the names linked are added to `linked`.
 */
export function renderPostBody(source: string, mentionable?: Mentionable, linked?: Set<string>): string {
  const env: MentionEnv = mentionable?.size && source.includes('@') ? { mentionable, linked } : {};
  return sanitizeHtml(md.render(source, env), SANITIZE_OPTIONS);
}

/** The names a body mentions, read by the renderer's own parser (./mentions.ts). */
export function mentionsOfPostBody(source: string): string[] {
  const env: MentionEnv = { names: new Set() };
  md.parse(source, env);
  return [...env.names!];
}
