import { Fragment } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Forum, ForumAnswers, Page, Post, PostInput, Thread, ThreadPermissions, User } from '../../../shared/schemas/index.js';
import { NOT_FOUND_TITLE } from '../../../shared/pages.js';
import { api, ApiFailure } from '../api.js';
import { Composer } from '../composer.js';
import { when } from '../format.js';
import { PII_LABEL } from '../pii-view.js';
import { getSocket, watchThread } from '../realtime.js';
import { useSession } from '../session.js';
import { FlagControl } from '../flag-control.js';
import { PostModActions, RemovalNote } from '../mod-actions.js';
import { isModerator, modApi } from '../mod-api.js';
import { ThreadModActions } from '../thread-mod-actions.js';
import { BanNotice } from '../ban-notice.js';
import { ArchivedNotice } from '../archived-notice.js';
import { useTitle } from '../title.js';
import { NotFoundPage } from './not-found.js';
import { UserLink } from '../user-link.js';
import { NewDivider, useThreadReading } from '../notifications/reading.js';
import { SubscriptionControl } from '../notifications/subscription.js';

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

interface PostItemProps {
  post: Post;
  user: User | null;
  /** What this reader may do in the thread, as the server's policy says (null until read). */
  can: ThreadPermissions | null;
  onEdited(p: Post): void;
  /** The post the page's address points at (`#post-<id>`). */
  linked?: boolean;
}

function PostItem({ post, user, can, onEdited, linked }: PostItemProps) {
  const [editing, setEditing] = useState(false);
  const [source, setSource] = useState<string | null>(null);
  const mod = isModerator(user);
  const metaId = `post-${post.id}-meta`;
  if (post.status === 'removed' && post.html === null && !mod) {
    // Its author's view carries why (never who): they are told, everyone else sees the tombstone.
    return (
      <article class={`post removed${linked ? ' linked' : ''}`} id={`post-${post.id}`} data-post-id={post.id} data-testid="post" tabIndex={linked ? -1 : undefined}>
        {post.removal
          ? <p class="removal-note" data-testid="own-removal">Removed by a moderator: {post.removal.reason || 'no reason given'} (<time dateTime={post.removal.at}>{when(post.removal.at)}</time>). Only you see why.</p>
          : <p class="tombstone">This post was removed by a moderator.</p>}
      </article>
    );
  }
  const startEdit = async () => {
    const r = await api.get<ForumAnswers['source']>(`/api/posts/${post.id}/source`).catch(() => null);
    setSource(r?.source ?? '');
    setEditing(true);
  };
  const own = !!user && post.author?.id === user.id;
  const canEdit = !!can && (own ? can.editOwn : can.editOthers);
  // Members flag someone else's visible post; moderators have their own controls instead.
  const canFlag = !!can?.flag && !mod && post.status === 'visible' && !!post.author && !own;
  return (
    <article class={`post ${post.status}${linked ? ' linked' : ''}`} id={`post-${post.id}`} data-post-id={post.id} data-testid="post" aria-labelledby={metaId} tabIndex={linked ? -1 : undefined}>
      <header class="meta" id={metaId}>
        <strong><UserLink who={post.author} testId="post-author" /></strong> · <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {post.editedAt && <> · edited</>}
        {post.status === 'held' && <span class="badge" role="status"> · waiting for a moderator's review; only you and moderators can see it</span>}
        {post.status === 'removed' && <span class="badge"> · removed; only moderators can see it</span>}
        {post.piiTypes.length > 0 && <span class="badge"> · holds {post.piiTypes.map((t) => PII_LABEL[t]).join(', ')}</span>}
      </header>
      {mod && post.status === 'removed' && <RemovalNote removal={post.removal} purged={post.purged} />}
      {editing ? (
        <Composer idPrefix={`edit-${post.id}`} label="Edit your post" submitLabel="Save" initialBody={source ?? ''}
          onCancel={() => setEditing(false)}
          send={async (d) => {
            const r = await api.patch<ForumAnswers['post'], PostInput>(`/api/posts/${post.id}`, { body: d.body, acknowledgePii: d.acknowledgePii, maskPii: d.maskPii });
            onEdited(r.post);
            setEditing(false);
          }} />
      ) : post.html === null ? (
        <p class="tombstone">{post.purged ? 'The content of this post was purged for good.' : 'This post has no content.'}</p>
      ) : (
        // Sanitized on the server when it was written (strict allowlist); the CSP backs it up.
        <div class="post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
      )}
      {canEdit && !editing && post.status !== 'removed' && <button type="button" class="link-button" onClick={() => void startEdit()}>Edit</button>}
      {canFlag && <FlagControl post={post} describedBy={metaId} />}
      {mod && !editing && (
        <PostModActions post={post} idPrefix={`mod-${post.id}`} describedBy={metaId} inlineUndo
          onOutcome={(o) => {
            if (o.post) onEdited(o.post);
          }} />
      )}
    </article>
  );
}

/** Lock or unlock the thread (moderators); the state also follows `thread:updated` live. */
function LockControl({ thread, onChanged }: { thread: Thread; onChanged(t: Thread): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await modApi.setLocked(thread.id, !thread.locked));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="lock-control">
      {/* aria-disabled while busy: the button stays, so it keeps the keyboard's focus (toggle() refuses a second press). */}
      <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void toggle()}>
        {thread.locked ? 'Unlock thread' : 'Lock thread'}
      </button>
      {error && <p class="form-error" role="alert">{error}</p>}
    </div>
  );
}

export function ThreadPage({ threadId }: { threadId: string }) {
  const { user } = useSession();
  const [thread, setThread] = useState<Thread | null>(null);
  const [posts, setPosts] = useState<Post[]>([]);
  const [missing, setMissing] = useState(false);
  // A moderator removed the thread while this page was open (members and visitors).
  const [gone, setGone] = useState(false);
  const [live, setLive] = useState(false);
  // What the socket handlers below compare an update with (they are registered once per thread).
  const seen = useRef({ thread, gone });
  seen.current = { thread, gone };
  const shown = useRef(posts);
  shown.current = posts;
  const [forum, setForum] = useState<Forum | null>(null);
  // What this reader may do here (reply, edit, flag): the server's policy decides, and only
  // `GET /api/threads/:id` says it, so it is read again whenever it may have changed.
  const [can, setCan] = useState<ThreadPermissions | null>(null);
  /** The thread as it now is; a purge just seen turns every post into a tombstone: re-read them. */
  const changed = useCallback((t: Thread) => {
    if ((t.purged && !seen.current.thread?.purged) || seen.current.gone) readAll(t.id).then(setPosts, () => {});
    setThread(t);
    if (t.can) setCan(t.can);
    setGone(false);
  }, []);
  /** The thread over HTTP, the latest ask winning; `keepLive`: keep the thread as last heard live, take only `can`. */
  const asked = useRef(0);
  const readThread = useCallback((keepLive: boolean) => {
    const n = ++asked.current;
    api.get<ForumAnswers['thread']>(`/api/threads/${threadId}`).then((r) => {
      if (n !== asked.current) return;
      setThread((t) => (keepLive && t ? t : r.thread));
      setCan(r.thread.can ?? null);
    }, (e) => e instanceof ApiFailure && e.status === 404 && setMissing(true));
  }, [threadId]);

  const upsert = useCallback((p: Post) => setPosts((list) => {
    const i = list.findIndex((x) => x.id === p.id);
    if (i < 0) return [...list, p].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const copy = list.slice();
    copy[i] = p;
    return copy;
  }), []);

  // The thread at once over HTTP: its title, and whether it exists for this reader at all, do not
  // wait for the live connection (an unknown thread is "not found", never "Reconnecting…"). Read
  // again when the session changes (a ban, a new role): what this reader may do changes with it.
  useEffect(() => readThread(true), [readThread, user]);

  // The forum's name, for the breadcrumbs and the tab's title.
  const forumId = thread?.forumId;
  useEffect(() => {
    if (forumId) api.get<ForumAnswers['forum']>(`/api/forums/${forumId}`).then((r) => setForum(r.forum), () => {});
  }, [forumId]);

  useEffect(() => {
    const reload = () => {
      readThread(false);
      readAll(threadId).then(setPosts, () => {});
    };
    return watchThread(threadId, {
      upsert,
      // ids only: the post is dropped (moderators re-read it to see the removal, its author why)
      removed: (postId) => {
        const own = !!user && shown.current.find((p) => p.id === postId)?.author?.id === user.id;
        if (isModerator(user) || own) api.get<ForumAnswers['post']>(`/api/posts/${postId}`).then((r) => upsert(r.post), () => {});
        if (!isModerator(user)) setPosts((list) => list.map((p) => (p.id === postId ? { ...p, status: 'removed', html: null, author: null, piiTypes: [] } : p)));
      },
      reload,
      notFound: () => setMissing(true),
      gone: () => {
        if (isModerator(user)) return;
        setGone(true);
        setPosts([]);
      },
      status: setLive,
    });
  }, [threadId, user?.id]);

  // A lock or unlock reaches the thread's watchers live (the reply box follows it); so do a
  // removal (ids only: moderators re-read the thread to show it, everyone else loses the page) and
  // a restore. A purge turns every post into a tombstone: moderators re-read them.
  useEffect(() => {
    const s = getSocket();
    const onUpdated = (p: { thread: Thread }) => {
      if (p.thread.id !== threadId) return;
      changed(p.thread); // a restore brings a removed page back
      readThread(true); // a lock or a restore changes who may reply
    };
    const onRemoved = (p: { threadId: string }) => {
      if (p.threadId !== threadId) return;
      if (isModerator(user)) modApi.getThread(threadId).then(changed, () => {});
      else {
        setGone(true);
        setPosts([]);
      }
    };
    s.on('thread:updated', onUpdated);
    s.on('thread:removed', onRemoved);
    return () => {
      s.off('thread:updated', onUpdated);
      s.off('thread:removed', onRemoved);
    };
  }, [threadId, user?.id]);

  // A link to one post (`#post-<id>`, as the audit log and search results give) shows it once the
  // posts are in: scrolled to, marked, and focused, so keyboards and screen readers start there too.
  const shownHash = useRef('');
  const [linked, setLinked] = useState<string | null>(null);
  useEffect(() => {
    if (!location.hash.startsWith('#post-') || shownHash.current === location.hash) return;
    const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!el) return;
    shownHash.current = location.hash;
    setLinked(el.id);
    el.scrollIntoView({ block: 'start' });
    el.tabIndex = -1; // as the render for `linked` sets it; focus cannot wait for that render
    el.focus({ preventScroll: true });
  }, [posts]);

  // Members: the thread opens at what is new to them, and the server hears what they have read.
  const firstUnread = useThreadReading(threadId, !!user, thread, posts);
  const title = thread ? (thread.purged ? '(title purged)' : thread.title) : 'Thread';
  useTitle(missing ? NOT_FOUND_TITLE : title, missing ? null : forum?.title);
  if (missing) return <NotFoundPage what="thread" />;
  if (gone) {
    return (
      <main aria-labelledby="thread-title">
        <h1 id="thread-title">This thread was removed</h1>
        <p role="status" data-testid="thread-gone">A moderator removed this thread; its posts are no longer shown.</p>
        <p>{thread ? <a href={`/f/${thread.forumId}`}>Back to the forum</a> : <a href="/">All forums</a>}</p>
      </main>
    );
  }
  const removed = !!thread?.removal;
  const canWrite = !!user && !!can?.reply;
  return (
    <main aria-labelledby="thread-title">
      <p class="crumbs" data-testid="crumbs"><a href="/">Forums</a> › {thread && <a href={`/f/${thread.forumId}`}>{forum?.title ?? 'Forum'}</a>}</p>
      <h1 id="thread-title">{thread ? title : '…'}</h1>
      <p class="meta"><span class={`live ${live ? 'on' : 'off'}`} data-testid="live-status">{live ? 'Live' : 'Reconnecting…'}</span>
        <span data-testid="lock-status" role="status">{thread?.locked ? ' · This thread is locked.' : ''}</span></p>
      {thread && isModerator(user) && <ThreadModActions thread={thread} onChanged={changed} />}
      {thread && isModerator(user) && !thread.purged && <LockControl thread={thread} onChanged={setThread} />}
      <section aria-label="Posts" class="posts" data-testid="posts">
        {posts.map((p) => (
          <Fragment key={p.id}>
            {p.id === firstUnread && <NewDivider />}
            <PostItem post={p} user={user} linked={`post-${p.id}` === linked} can={can} onEdited={upsert} />
          </Fragment>
        ))}
      </section>
      {thread && user && <SubscriptionControl threadId={threadId} level={thread.subscription} />}
      {canWrite && (
        <section aria-labelledby="reply-title">
          <h2 id="reply-title">Reply</h2>
          <Composer idPrefix="reply" label="Your reply" submitLabel="Post reply"
            send={async (d) => {
              const r = await api.post<ForumAnswers['post'], PostInput>(`/api/threads/${threadId}/posts`, d);
              upsert(r.post);
            }} />
        </section>
      )}
      <BanNotice user={user} />
      <ArchivedNotice forum={forum} />
      {user && !canWrite && removed && <p>This thread is removed: restore it to reply.</p>}
      {user && !canWrite && !removed && thread?.locked && <p>This thread is locked: no new replies.</p>}
      {!user && <p><a href={`/signin?next=/t/${threadId}`}>Sign in</a> to reply.</p>}
    </main>
  );
}
