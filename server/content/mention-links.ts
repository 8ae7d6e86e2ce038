// @mentions as markdown-it reads them: only in text the renderer shows as text, never inside code
// (code spans and blocks are their own tokens), link text or URLs (linkify and autolinks make
// links first; raw <a> is tracked as markdown-it's own linkify does), image alt text or HTML blocks.
// The plugin turns a known member's mention into a profile link during rendering; which names are
// known is decided before rendering (rendering is synchronous, the member list is in the store).
import { randomBytes } from 'node:crypto';
import type MarkdownIt from 'markdown-it';
import { usernameSchema } from '../../shared/schemas/auth.js';

type Token = MarkdownIt.Token;

/** Distinct names per post that are looked up and linked; more are ignored (left as text). */
export const MAX_MENTIONS = 20;

/** Lowercased name → the member's username as they spell it. */
export type Mentionable = ReadonlyMap<string, string>;

/** `@` and the characters a username may hold; which of them count is decided in `mentionsIn`. */
const CANDIDATE = /@([A-Za-z0-9_.-]+)/g;
// Before the `@`: a letter, digit or any character of an address or path means it is not a
// mention (`jo@example.com`, `a.b@c`, `x/@y`, `=@`).
const NOT_BEFORE = /[\p{L}\p{N}\p{M}_.+\-@/=\\&#%~]/u;
// After the name: a letter outside ASCII (`@bobé` names no one), `@` (an address's local part) or
// `/` (an npm scope such as `@types/node`).
const NOT_AFTER = /[\p{L}\p{N}\p{M}@/]/u;
// Sentence punctuation after a name (`@bob.`, `@bob...`, `@bob--`) is not part of it.
const TRAILING = /[.-]+$/;
/** After a name that ends its token: the next token goes on with the name (`@bob\_x`). */
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const LINK_OPEN_HTML = /^<a[>\s]/i;
const LINK_CLOSE_HTML = /^<\/a\s*>/i;

export interface Mention {
  /** Where the `@` is in the text. */
  start: number;
  /** Just past the name. */
  end: number;
  /** The name as written (without the `@`). */
  name: string;
}

/** The mentions in one run of text; `before`/`after` are the characters that touch it, if any. */
export function mentionsIn(text: string, before = '', after = ''): Mention[] {
  const out: Mention[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m; m = CANDIDATE.exec(text)) {
    const prev = m.index > 0 ? text[m.index - 1]! : before;
    if (prev && NOT_BEFORE.test(prev)) continue;
    const name = m[1]!.replace(TRAILING, '');
    const end = m.index + 1 + name.length;
    const next = end < text.length ? text[end]! : after;
    if (next && (NOT_AFTER.test(next) || (end === text.length && NAME_CHAR.test(next)))) continue;
    if (!usernameSchema.safeParse(name).success) continue;
    out.push({ start: m.index, end, name });
  }
  return out;
}

// Tokens that show characters beside a text token: an escaped or entity-written character is its own
// token until markdown-it's text_join, which this plugin runs before.
const SHOWN = new Set(['text', 'text_special', 'code_inline']);
const lastChar = (t: Token | undefined) => (t && SHOWN.has(t.type) ? t.content.slice(-1) : '');
const firstChar = (t: Token | undefined) => (t && SHOWN.has(t.type) ? t.content.charAt(0) : '');

/**
 * Calls `visit`, in document order, with each text token of a parsed document that is shown as text
 * outside any link and holds an `@`, and the characters touching it.
 */
export function eachMentionText(tokens: Token[], visit: (children: Token[], i: number, before: string, after: string) => void): void {
  for (const block of tokens) {
    if (block.type !== 'inline' || !block.children || !block.content.includes('@')) continue;
    const children = block.children;
    let inLink = 0;
    for (let i = 0; i < children.length; i++) {
      const t = children[i]!;
      if (t.type === 'link_open' || (t.type === 'html_inline' && LINK_OPEN_HTML.test(t.content))) inLink++;
      else if (t.type === 'link_close' || (t.type === 'html_inline' && LINK_CLOSE_HTML.test(t.content))) inLink = Math.max(0, inLink - 1);
      else if (t.type === 'text' && inLink === 0 && t.content.includes('@')) visit(children, i, lastChar(children[i - 1]), firstChar(children[i + 1]));
    }
  }
}

/**
 * Marks the links this plugin makes, so the sanitizer can tell them from a member's own
 * `<a class="mention" href="/u/…">` (which would pose as a mention): new each process, never
 * written out (the sanitizer drops it after checking it).
 */
export const MENTION_KEY_ATTRIBUTE = 'data-agora-mention';
export const MENTION_KEY = randomBytes(16).toString('hex');

/** What a parse or render is given and gives back through markdown-it's `env`. */
export interface MentionEnv {
  /** Filled with the names mentioned: lowercased, distinct, in order, at most MAX_MENTIONS. */
  names?: Set<string>;
  /** Members to link; without it nothing is linked. */
  mentionable?: Mentionable;
  /** Filled with the lowercased names that were linked. */
  linked?: Set<string>;
}

/**
 * markdown-it plugin: collects the mentions (`env.names`) and makes a known member's `@name`
 * `<a href="/u/<username>" class="mention">@name</a>` (`env.mentionable`). It runs before
 * text_join, so an `@` written as `\@` or `&#64;` is its own token and mentions no one: that is how
 * to write a name without telling its member.
 */
export function mentionLinks(md: MarkdownIt): void {
  md.core.ruler.before('text_join', 'mention_links', (state) => {
    const env = (state.env ?? {}) as MentionEnv;
    const known = env.mentionable;
    if (!env.names && !known?.size) return;
    const found: { children: Token[]; i: number; mentions: Mention[] }[] = [];
    eachMentionText(state.tokens, (children, i, before, after) => {
      found.push({ children, i, mentions: mentionsIn(children[i]!.content, before, after) });
    });
    // The first MAX_MENTIONS distinct names in document order count; the rest are left as text.
    const counted = env.names ?? new Set<string>();
    for (const f of found) for (const m of f.mentions) if (counted.size < MAX_MENTIONS) counted.add(m.name.toLowerCase());
    if (!known?.size) return;
    // Only a name as the store spells a username is linked: the sanitizer would drop any other link.
    const username = (m: Mention) => {
      const lower = m.name.toLowerCase();
      const name = counted.has(lower) ? known.get(lower) : undefined;
      return name !== undefined && usernameSchema.safeParse(name).success ? name : undefined;
    };
    for (const f of found) for (const m of f.mentions) if (username(m) !== undefined) env.linked?.add(m.name.toLowerCase());
    // Last first, so that splitting one token does not move those still to be split.
    for (const f of found.reverse()) {
      const text = f.children[f.i]!;
      const parts: Token[] = [];
      let at = 0;
      for (const m of f.mentions) {
        const name = username(m);
        if (name === undefined) continue;
        if (m.start > at) parts.push(textToken(state, text.content.slice(at, m.start)));
        const open = new state.Token('link_open', 'a', 1);
        open.attrs = [['href', `/u/${encodeURIComponent(name)}`], ['class', 'mention'], [MENTION_KEY_ATTRIBUTE, MENTION_KEY]];
        parts.push(open, textToken(state, text.content.slice(m.start, m.end)), new state.Token('link_close', 'a', -1));
        at = m.end;
      }
      if (!parts.length) continue;
      if (at < text.content.length) parts.push(textToken(state, text.content.slice(at)));
      f.children.splice(f.i, 1, ...parts);
    }
  });
}

function textToken(state: MarkdownIt.StateCore, content: string): Token {
  const t = new state.Token('text', '', 0);
  t.content = content;
  return t;
}
