// The allowlist applied to every rendered post before it reaches another
// user's browser (inserted there with innerHTML). Everything not listed here
// is removed. The sanitizer re-serialises what it keeps (only these tags,
// these attributes, and escaped text), so the browser never sees markup that
// the sanitizer did not itself produce: that is what defeats mutation XSS and
// parser-differential tricks, so keep the list free of raw-text elements
// (script, style, textarea, title, ...) and of foreign content (svg, math).

import type sanitizeHtml from 'sanitize-html';
import { MENTION_KEY, MENTION_KEY_ATTRIBUTE } from './mention-links.js';

/** Every link leaves the site without passing on referrer or opener, and is marked as user content. */
export const LINK_REL = 'nofollow ugc noopener noreferrer';

// Only absolute links with these schemes survive. Relative links are NOT
// allowed (deliberate): rendered posts are also shown out of context
// (notifications, e-mail, API clients) where a relative URL resolves against
// an unknown base, and "relative" is where the classic tricks live
// (`//evil.com`, `/\evil.com`, `\\evil.com`, `java&#x09;script:`). Same-site
// links are written as absolute URLs, which linkify turns into links anyway. The one exception is
// an @mention's /u/<username>, made by the renderer and checked to the character below.
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The href to emit for a user-supplied link, or undefined to drop the link.
 * Parses the way the browser will (WHATWG URL, the same parser Chromium uses)
 * and returns the parser's own serialisation, so what we checked is exactly
 * what the browser follows (entities are already decoded by the HTML parser).
 */
export function safeHref(raw: string): string | undefined {
  // A browser strips leading/trailing C0 controls and spaces and removes
  // tab/CR/LF anywhere before it looks for the scheme; do the same.
  const cleaned = raw.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  if (!HAS_SCHEME.test(cleaned)) return undefined; // relative or protocol-relative
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return undefined;
  // `https://bank.example@evil.example/` is a phishing staple and a way to
  // republish someone's credentials as a live link: drop the userinfo.
  url.username = '';
  url.password = '';
  // href is ASCII-only (punycode host, percent-encoded path): no homograph
  // hostnames and no characters a later consumer could reinterpret.
  return url.href;
}

type Attributes = sanitizeHtml.Attributes;
type Tag = sanitizeHtml.Tag;

const ALIGNMENTS = ['left', 'center', 'right'];
// markdown-it writes table alignment as `style="text-align:right"`; styles
// are never allowed (CSS is its own attack surface), so carry the alignment
// over to the presentational `align` attribute, which needs no CSS.
const TEXT_ALIGN_STYLE = /^\s*text-align\s*:\s*(left|center|right)\s*;?\s*$/i;

function tableCell(tagName: string, attribs: Attributes): Tag {
  const align = (TEXT_ALIGN_STYLE.exec(attribs.style ?? '')?.[1] ?? attribs.align ?? '').toLowerCase();
  return { tagName, attribs: ALIGNMENTS.includes(align) ? { align } : {} };
}

// The one relative link kept: a mention's profile path, with a username's characters only, made by
// the renderer itself (it carries the process's key, which no author can know; ./mention-links.ts).
const MENTION_HREF = /^\/u\/[A-Za-z0-9_.-]{3,32}$/;

function link(tagName: string, attribs: Attributes): Tag {
  if (attribs.class === 'mention' && attribs[MENTION_KEY_ATTRIBUTE] === MENTION_KEY && MENTION_HREF.test(attribs.href ?? '')) {
    return { tagName, attribs: { href: attribs.href!, class: 'mention' } };
  }
  // Build the attributes from scratch: user-supplied rel/target/name/class/... never pass.
  const href = attribs.href === undefined ? undefined : safeHref(attribs.href);
  if (href === undefined) return { tagName, attribs: {} }; // unwrapped by exclusiveFilter below
  const out: Attributes = { href, rel: LINK_REL };
  if (attribs.title) out.title = attribs.title; // Markdown link titles; escaped on output
  return { tagName, attribs: out };
}

function orderedList(tagName: string, attribs: Attributes): Tag {
  const start = attribs.start ?? '';
  // At most six digits: a list marker of nine (`345678901.`) would show an SSN the reading of the
  // source takes for layout, and no real list starts that far.
  return { tagName, attribs: /^\d{1,6}$/.test(start) ? { start } : {} };
}

export const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr',
    'em', 'strong', 'i', 'b', 's', 'del',
    'code', 'pre', 'blockquote',
    'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'table', 'thead', 'tbody', 'tr', 'th', 'td',
    'a',
  ],
  // No id/name (DOM clobbering), no class except below, no style, no target.
  allowedAttributes: {
    // class="mention" only comes through `link` above, on a mention's /u/ link.
    a: ['href', 'title', 'rel', { name: 'class', multiple: false, values: ['mention'] }],
    ol: ['start'],
    th: [{ name: 'align', values: ALIGNMENTS }],
    td: [{ name: 'align', values: ALIGNMENTS }],
  },
  // Fenced code keeps its language hint (for a client-side highlighter);
  // the charset is narrow so a class can never carry anything else.
  allowedClasses: { code: [/^language-[A-Za-z0-9_+#-]{1,32}$/] },
  transformTags: { a: link, th: tableCell, td: tableCell, ol: orderedList },
  // A link whose href was refused is unwrapped to its text, not left as a dead <a>.
  exclusiveFilter: (frame) => (frame.tag === 'a' && !frame.attribs.href ? 'excludeTag' : false),
  // Second line of defence for href (the transform above is the first).
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowProtocolRelative: false,
  // Disallowed tags are dropped but their text is kept (escaped)...
  disallowedTagsMode: 'discard',
  // ...except in these, whose content is raw text, option/template junk, or
  // foreign markup in a browser; the whole subtree goes so it cannot leak.
  nonTextTags: [
    'script', 'style', 'textarea', 'option', 'noscript', 'template', 'xmp',
    'iframe', 'noembed', 'noframes', 'plaintext', 'title', 'svg', 'math',
  ],
  // Browsers cap tree depth anyway; a cap here keeps pathological posts cheap.
  nestingLimit: 100,
};
