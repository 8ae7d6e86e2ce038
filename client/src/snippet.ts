// A search snippet (API.md, Search) is HTML: escaped text with each matched word in <mark>. It is
// never handed to innerHTML: it is read here into plain text pieces, marked or not, and the page
// renders those as text nodes, so nothing in a snippet can run even if the server got one wrong.
// Anything that is not exactly <mark> or </mark> stays text, shown as written.

export interface SnippetPiece { text: string; marked: boolean }

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The five entities the server's escaping writes, decoded in one pass ("&amp;lt;" is "&lt;", not "<"). */
export const decodeEntities = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/** The snippet as text pieces; neighbours of the same kind are joined, empty ones dropped. */
export function parseSnippet(html: string): SnippetPiece[] {
  const out: SnippetPiece[] = [];
  let marked = false;
  for (const token of html.split(/(<\/?mark>)/)) {
    if (token === '<mark>') marked = true;
    else if (token === '</mark>') marked = false;
    else if (token) {
      const text = decodeEntities(token);
      const last = out[out.length - 1];
      if (last && last.marked === marked) last.text += text;
      else out.push({ text, marked });
    }
  }
  return out;
}
