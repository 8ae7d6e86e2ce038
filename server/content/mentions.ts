// Who a post mentions: what the notifier and the service's member look-up start from. Read by the
// renderer's own parser and the same plugin that links them (./mention-links.ts), so a name in
// code, in a link or in an address is no more a mention here than it is on the page.
import { mentionsOfPostBody } from './render.js';

export { MAX_MENTIONS, type Mentionable } from './mention-links.js';

/**
 * The distinct names written as `@name` in a Markdown body, lowercased, in order of first
 * appearance, at most MAX_MENTIONS (20; later ones are ignored). Only names that pass the
 * username rules, starting at a word boundary, outside code, links and e-mail addresses.
 */
export function mentionedNames(source: string): string[] {
  return source.includes('@') ? mentionsOfPostBody(source) : []; // most posts: no parse at all
}
