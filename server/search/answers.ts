// Whether a candidate's current text answers a query: the check every search result passes
// before anyone sees it (service.ts). By hand, with text.ts: no library checks a query against a
// text with the very folding the index and the snippet use.
import { asciiWordIs, eachWord, fold, type ParsedQuery } from './text.js';

/**
 * Whether a post's current text (and its thread's title, for the first post) answers the query:
 * every word and phrase present, nothing excluded. The index proposes, this decides, so a lagging
 * or approximate index never shows a post that no longer says what was searched.
 *
 * One pass over each field's words, keeping the last few in a ring (the longest part's length), and
 * at each word every part not yet found is tried as a run ending there. ASCII words are compared in
 * place and only the others are folded into strings: this runs on every candidate of every query,
 * and the folded word arrays it used to build were most of what remained of a query's garbage.
 * It stops at the first excluded part found, and when every part is found and none is excluded.
 */
export function answers(query: ParsedQuery, fields: readonly string[]): boolean {
  const { parts } = query;
  let left = 0;
  let span = 1;
  for (const part of parts) {
    if (!part.exclude) left++;
    span = Math.max(span, part.terms.length);
  }
  if (left === 0) return false;
  const exclusions = left < parts.length;
  const found = new Uint8Array(parts.length);
  // The ring: where each of the last `span` words is, and its folded form if it is not ASCII.
  const starts = new Int32Array(span);
  const ends = new Int32Array(span);
  const folded: (string | null)[] = new Array<string | null>(span).fill(null);
  let excluded = false;
  for (const text of fields) {
    let n = 0; // words of this field so far: a phrase never runs from one field into the next
    const is = (slot: number, term: string, prefix: boolean) => {
      const f = folded[slot] ?? null;
      if (f === null) return asciiWordIs(text, starts[slot]!, ends[slot]!, term, prefix);
      return prefix ? f.startsWith(term) : f === term;
    };
    eachWord(text, (start, end, ascii) => {
      let f: string | null = null;
      if (!ascii) {
        f = fold(text.slice(start, end));
        if (f.length === 0) return; // marks alone: no word, as in foldedWords
      }
      const slot = n % span;
      starts[slot] = start;
      ends[slot] = end;
      folded[slot] = f;
      n++;
      for (let p = 0; p < parts.length; p++) {
        if (found[p]) continue;
        const part = parts[p]!;
        const terms = part.terms;
        const len = terms.length;
        if (n < len) continue;
        let run = true;
        // From this word back: most runs fail on their last word.
        for (let j = len - 1; j >= 0 && run; j--) run = is((n - len + j) % span, terms[j]!, part.prefix && j === len - 1);
        if (!run) continue;
        if (part.exclude) return (excluded = true);
        found[p] = 1;
        if (--left === 0 && !exclusions) return true;
      }
    });
    if (excluded) return false;
    if (left === 0 && !exclusions) return true;
  }
  return left === 0;
}
