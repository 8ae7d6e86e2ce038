// The output contract of renderPostBody, written independently of the
// sanitizer configuration so the tests do not just restate it. Shared by the
// DOM-free unit check (via htmlparser2) and the browser check (live DOM).

import { Parser } from 'htmlparser2';

export const ALLOWED_TAGS: readonly string[] = [
  'p', 'br', 'hr', 'em', 'strong', 'i', 'b', 's', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a',
];

export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'rel', 'title'],
  ol: ['start'],
  th: ['align'],
  td: ['align'],
  code: ['class'],
};

export const LINK_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];
export const EXPECTED_REL = 'nofollow ugc noopener noreferrer';
export const CODE_CLASS = /^language-[A-Za-z0-9_+#-]{1,32}$/;
/** The one relative link: an @mention of a member, to their profile. */
export const MENTION_HREF = /^\/u\/[A-Za-z0-9_.-]{3,32}$/;

/**
 * Checks one element against the contract; returns human-readable problems.
 * Written as a self-contained function (no closures over module scope) so the
 * browser test can ship it into the page with `page.evaluate`.
 */
export function elementViolations(
  tag: string,
  attribs: Record<string, string>,
  contract: { tags: readonly string[]; attributes: Readonly<Record<string, readonly string[]>>; schemes: readonly string[]; rel: string; codeClass: string; mentionHref: string },
): string[] {
  const problems: string[] = [];
  if (!contract.tags.includes(tag)) problems.push(`element <${tag}> is not allowed`);
  // A mention: exactly a profile path and the class, nothing else.
  if (tag === 'a' && attribs.class !== undefined) {
    const mention = attribs.class === 'mention' && new RegExp(contract.mentionHref).test(attribs.href ?? '') && Object.keys(attribs).length === 2;
    return mention ? problems : [...problems, `<a class="${attribs.class}" href="${attribs.href ?? ''}"> is not a mention link`];
  }
  const allowed = contract.attributes[tag] ?? [];
  for (const [name, value] of Object.entries(attribs)) {
    if (!allowed.includes(name)) problems.push(`attribute ${name}="${value}" on <${tag}> is not allowed`);
  }
  if (tag === 'a') {
    const href = attribs.href;
    if (href === undefined) problems.push('<a> without href (should have been unwrapped)');
    else {
      let protocol = '';
      try {
        protocol = new URL(href).protocol;
      } catch {
        problems.push(`<a href="${href}"> is not an absolute URL`);
      }
      if (protocol && !contract.schemes.includes(protocol)) problems.push(`<a href="${href}"> has scheme ${protocol}`);
      if (attribs.rel !== contract.rel) problems.push(`<a rel="${attribs.rel ?? ''}"> lacks the required rel`);
    }
  }
  if (tag === 'code' && attribs.class !== undefined && !new RegExp(contract.codeClass).test(attribs.class)) {
    problems.push(`<code class="${attribs.class}"> is not a language class`);
  }
  if ((tag === 'th' || tag === 'td') && attribs.align !== undefined && !['left', 'center', 'right'].includes(attribs.align)) {
    problems.push(`<${tag} align="${attribs.align}"> is not a plain alignment`);
  }
  if (tag === 'ol' && attribs.start !== undefined && !/^\d+$/.test(attribs.start)) {
    problems.push(`<ol start="${attribs.start}"> is not a number`);
  }
  return problems;
}

export const CONTRACT = {
  tags: ALLOWED_TAGS,
  attributes: ALLOWED_ATTRIBUTES,
  schemes: LINK_SCHEMES,
  rel: EXPECTED_REL,
  codeClass: CODE_CLASS.source,
  mentionHref: MENTION_HREF.source,
};

// Any of these at the start of a tag in the serialized output is a failure.
// Text is always escaped (`&lt;`), so a literal "<name" can only be markup.
const FORBIDDEN_MARKUP = /<\/?(script|img|iframe|svg|math|base|meta|form|style|link|object|embed|video|audio|source|track|input|button|textarea|select|template|noscript|frame|frameset|body|html|head|title|xmp|plaintext|noembed|noframes|picture|details|marquee|isindex|keygen)\b/i;

/** DOM-free structural check of rendered HTML; returns every problem found (empty = OK). */
export function findViolations(html: string): string[] {
  const problems: string[] = [];
  const forbidden = FORBIDDEN_MARKUP.exec(html);
  if (forbidden) problems.push(`forbidden markup ${JSON.stringify(forbidden[0])}`);
  // Anything that could open a comment, CDATA section, doctype or PI.
  if (/<[!?]/.test(html)) problems.push('comment, doctype, CDATA or processing instruction in output');

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        problems.push(...elementViolations(name, attribs, CONTRACT));
        for (const [attr, value] of Object.entries(attribs)) {
          if (/^on/i.test(attr)) problems.push(`event handler ${attr} on <${name}>`);
          if (attr === 'style') problems.push(`style attribute on <${name}>`);
          if (/^\s*(javascript|vbscript|data):/i.test(value.replace(/[\u0000-\u0020]/g, ''))) {
            problems.push(`dangerous URL in ${attr} on <${name}>: ${value}`);
          }
        }
      },
      oncomment() {
        problems.push('comment in output');
      },
      oncdatastart() {
        problems.push('CDATA in output');
      },
      onprocessinginstruction(name) {
        problems.push(`processing instruction ${name} in output`);
      },
    },
    { decodeEntities: true, lowerCaseTags: false, lowerCaseAttributeNames: false },
  );
  parser.write(html);
  parser.end();
  return problems;
}
