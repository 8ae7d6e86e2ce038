// Raw HTML and character references inside Markdown, recognised as CommonMark (spec 0.31, §6.6 and
// §2.5) and markdown-it recognise them, for ./as-read.ts. Hand-written: markdown-it's own
// html_re is an ES module outside its CommonJS build, and the reader needs each construct's end
// offset anyway. Every look-ahead for a terminator goes through a cached indexOf, so a flood of
// unterminated `<?`, `<!--` or `<![CDATA[` costs one search each, not one per opening.
import { decodeHTML } from 'entities';

const ATTRIBUTE = `(?:\\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\\s*=\\s*(?:[^"'=<>\`\\x00-\\x20]+|'[^']*'|"[^"]*"))?)`;
const OPEN_TAG = new RegExp(`<([A-Za-z][A-Za-z0-9-]*)${ATTRIBUTE}*\\s*\\/?>`, 'y');
const CLOSE_TAG = /<\/([A-Za-z][A-Za-z0-9-]*)\s*>/y;
/** Attributes whose values a reader can see (link targets in the status bar, tooltips, alt text). */
export const SHOWN_ATTRIBUTE = /\s(?:href|title|alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
const ENTITY = /&(?:#[xX][0-9a-fA-F]{1,6};?|#[0-9]{1,7};?|[A-Za-z][A-Za-z0-9]{1,31};?)/y;

export interface Tag {
  end: number;
  name: string;
  /** The tag's source text (for its attributes). */
  text: string;
}

/** Finds raw HTML constructs in one source; keeps its terminator searches between calls. */
export class HtmlScanner {
  private found = new Map<string, number>();

  constructor(private src: string) {}

  /** First index of `needle` at or after `from` (cached: calls come with increasing `from`). */
  private next(needle: string, from: number): number {
    const last = this.found.get(needle);
    if (last === -1 || (last !== undefined && last >= from)) return last ?? -1;
    const at = this.src.indexOf(needle, from);
    this.found.set(needle, at);
    return at;
  }

  /**
   * The end of the comment, processing instruction, declaration or CDATA section at `p` (a `<`),
   * or -1: none of them shows anything, and the sanitizer drops them.
   */
  hiddenEnd(p: number): number {
    const src = this.src;
    const c = src.charCodeAt(p + 1);
    if (c === 63 /* ? */) {
      const end = this.next('?>', p + 2);
      return end === -1 ? -1 : end + 2;
    }
    if (c !== 33 /* ! */) return -1;
    if (src.startsWith('<!--', p)) {
      if (src.startsWith('<!-->', p)) return p + 5;
      if (src.startsWith('<!--->', p)) return p + 6;
      const end = this.next('-->', p + 4);
      return end === -1 ? -1 : end + 3;
    }
    if (src.startsWith('<![CDATA[', p)) {
      const end = this.next(']]>', p + 9);
      return end === -1 ? -1 : end + 3;
    }
    const d = src.charCodeAt(p + 2);
    if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122)) {
      const end = this.next('>', p + 2);
      return end === -1 ? -1 : end + 1;
    }
    return -1;
  }

  /** The open or closing tag at `p` (a `<`), or null when the `<` is text. */
  tagAt(p: number): Tag | null {
    const re = this.src.charCodeAt(p + 1) === 47 ? CLOSE_TAG : OPEN_TAG;
    re.lastIndex = p;
    const m = re.exec(this.src);
    if (!m) return null;
    return { end: re.lastIndex, name: (m[1] as string).toLowerCase(), text: m[0] };
  }
}

/** Characters a reference may stand for even without its `;`, because they can only join text. */
const JOINING = /^[\s\p{Zs}\p{Cf}\p{Pd}\u00ad]$/u;

/**
 * The character reference at `p` (a `&`): its length and what it decodes to, or null when the `&`
 * is text. In Markdown text only `;`-terminated references are decoded (markdown-it shows
 * `&#4539` as written); `lenient` (attribute values, which the HTML parser decodes) also takes the
 * legacy forms without `;`. Either way a reference to a space, dash or invisible character is
 * taken without its `;` too: in an HTML block the browser decodes it, and reading it as a separator
 * can only make more of the text seen, never less.
 */
export function entityAt(src: string, p: number, lenient: boolean): { length: number; text: string } | null {
  ENTITY.lastIndex = p;
  const m = ENTITY.exec(src);
  if (!m) return null;
  const raw = m[0];
  const decoded = decodeHTML(raw);
  if (decoded === raw) return null;
  if (raw.endsWith(';')) return { length: raw.length, text: decoded };
  // Without `;` the decoder used a prefix of the match and left the rest as written.
  for (let k = raw.length; k > 2; k--) {
    const head = raw.slice(0, k);
    const d = decodeHTML(head);
    if (d === head || d + raw.slice(k) !== decoded) continue;
    return lenient || JOINING.test(d) ? { length: k, text: d } : null;
  }
  return null;
}
