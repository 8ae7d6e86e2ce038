// One search result and its snippet, as the results page (pages/search.tsx) lists them.
import type { Post, SearchHit } from '../../shared/schemas/index.js';
import { when } from './format.js';
import { parseSnippet } from './snippet.js';
import { UserLink } from './user-link.js';

const enc = encodeURIComponent;

/** The thread page shows the post this addresses: scrolled to, focused and marked (pages/thread.tsx). */
export const postPath = (post: Pick<Post, 'id' | 'threadId'>) => `/t/${enc(post.threadId)}#post-${enc(post.id)}`;

/** The snippet's words as text nodes, matched ones in <mark>: never parsed as HTML (snippet.ts). */
export function Snippet({ html }: { html: string }) {
  return <>{parseSnippet(html).map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : p.text))}</>;
}

export function SearchResult({ hit, forumTitle, index }: { hit: SearchHit; forumTitle?: string; index: number }) {
  const { post, thread, snippet } = hit;
  return (
    <li class={`search-result ${post.status}`} data-testid="search-result" data-result-index={index}>
      <h2 class="result-title"><a href={postPath(post)}>{thread.title}</a></h2>
      <p class="meta">
        <UserLink who={post.author} testId="result-author" /> · <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {forumTitle && <> · in {forumTitle}</>}
        {post.status === 'held' && <span class="badge"> · waiting for a moderator's review</span>}
        {post.status === 'removed' && <span class="badge"> · removed</span>}
      </p>
      {snippet && <p class="snippet" data-testid="snippet">{<Snippet html={snippet} />}</p>}
    </li>
  );
}
