import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Page, Post, Thread } from '../../../shared/api.js';
import { api, ApiFailure } from '../api.js';
import { Composer } from '../composer.js';
import { when } from '../format.js';
import { PII_LABEL } from '../pii-view.js';
import { watchThread } from '../realtime.js';
import { useSession } from '../session.js';

async function readAll(threadId: string): Promise<Post[]> {
  const out: Post[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Post> = await api.get(`/api/threads/${threadId}/posts?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

function PostItem({ post, canEdit, onEdited }: { post: Post; canEdit: boolean; onEdited(p: Post): void }) {
  const [editing, setEditing] = useState(false);
  const [source, setSource] = useState<string | null>(null);
  if (post.status === 'removed' && post.html === null) {
    return <article class="post removed" data-post-id={post.id} data-testid="post"><p class="tombstone">This post was removed by a moderator.</p></article>;
  }
  const startEdit = async () => {
    const r = await api.get<{ source: string }>(`/api/posts/${post.id}/source`).catch(() => null);
    setSource(r?.source ?? '');
    setEditing(true);
  };
  return (
    <article class={`post ${post.status}`} data-post-id={post.id} data-testid="post" aria-labelledby={`post-${post.id}-meta`}>
      <header class="meta" id={`post-${post.id}-meta`}>
        <strong>{post.author?.username ?? 'unknown'}</strong> · <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {post.editedAt && <> · edited</>}
        {post.status === 'held' && <span class="badge" role="status"> · waiting for a moderator's review; only you and moderators can see it</span>}
        {post.piiTypes.length > 0 && <span class="badge"> · holds {post.piiTypes.map((t) => PII_LABEL[t]).join(', ')}</span>}
      </header>
      {editing ? (
        <Composer idPrefix={`edit-${post.id}`} label="Edit your post" submitLabel="Save" initialBody={source ?? ''}
          onCancel={() => setEditing(false)}
          send={async (d) => {
            const r = await api.patch<{ post: Post }>(`/api/posts/${post.id}`, { body: d.body, acknowledgePii: d.acknowledgePii });
            onEdited(r.post);
            setEditing(false);
          }} />
      ) : (
        // Sanitized on the server when it was written (strict allowlist); the CSP backs it up.
        <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html ?? '' }} />
      )}
      {canEdit && !editing && <button type="button" class="link-button" onClick={() => void startEdit()}>Edit</button>}
    </article>
  );
}

export function ThreadPage({ threadId }: { threadId: string }) {
  const { user } = useSession();
  const [thread, setThread] = useState<Thread | null>(null);
  const [posts, setPosts] = useState<Post[]>([]);
  const [missing, setMissing] = useState(false);
  const [live, setLive] = useState(false);

  const upsert = useCallback((p: Post) => setPosts((list) => {
    const i = list.findIndex((x) => x.id === p.id);
    if (i < 0) return [...list, p].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const copy = list.slice();
    copy[i] = p;
    return copy;
  }), []);

  useEffect(() => {
    const reload = () => {
      api.get<{ thread: Thread }>(`/api/threads/${threadId}`).then((r) => setThread(r.thread), (e) => e instanceof ApiFailure && e.status === 404 && setMissing(true));
      readAll(threadId).then(setPosts, () => {});
    };
    return watchThread(threadId, {
      upsert,
      // ids only: the post is dropped (moderators re-read it to see the removal)
      removed: (postId) => {
        if (user?.role === 'moderator' || user?.role === 'admin') api.get<{ post: Post }>(`/api/posts/${postId}`).then((r) => upsert(r.post), () => {});
        else setPosts((list) => list.map((p) => (p.id === postId ? { ...p, status: 'removed', html: null, author: null, piiTypes: [] } : p)));
      },
      reload,
      status: setLive,
    });
  }, [threadId, user?.id]);

  if (missing) return <main><h1>Thread not found</h1><p><a href="/">All forums</a></p></main>;
  const canWrite = !!user && !user.banned && (!thread?.locked || user.role !== 'member');
  return (
    <main aria-labelledby="thread-title">
      <p class="crumbs"><a href="/">Forums</a> › {thread && <a href={`/f/${thread.forumId}`}>Forum</a>}</p>
      <h1 id="thread-title">{thread?.title ?? '…'}</h1>
      <p class="meta"><span class={`live ${live ? 'on' : 'off'}`} data-testid="live-status">{live ? 'Live' : 'Reconnecting…'}</span>{thread?.locked && ' · This thread is locked.'}</p>
      <section aria-label="Posts" class="posts" data-testid="posts">
        {posts.map((p) => <PostItem key={p.id} post={p} canEdit={!!user && !user.banned && (p.author?.id === user.id || user.role !== 'member')} onEdited={upsert} />)}
      </section>
      {canWrite && (
        <section aria-labelledby="reply-title">
          <h2 id="reply-title">Reply</h2>
          <Composer idPrefix="reply" label="Your reply" submitLabel="Post reply"
            send={async (d) => {
              const r = await api.post<{ post: Post }>(`/api/threads/${threadId}/posts`, d);
              upsert(r.post);
            }} />
        </section>
      )}
      {!user && <p><a href={`/signin?next=/t/${threadId}`}>Sign in</a> to reply.</p>}
    </main>
  );
}
