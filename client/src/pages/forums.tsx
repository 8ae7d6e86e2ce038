import { useEffect, useRef, useState } from 'preact/hooks';
import type { Forum, ForumAnswers, NewThreadInput, Thread } from '../../../shared/schemas/index.js';
import { api, ApiFailure } from '../api.js';
import { Composer } from '../composer.js';
import { errorText, when } from '../format.js';
import { getSocket, watchForum } from '../realtime.js';
import { isModerator, modApi } from '../mod-api.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { BanNotice } from '../ban-notice.js';
import { ArchivedNotice } from '../archived-notice.js';
import { useTitle } from '../title.js';
import { NotFoundPage } from './not-found.js';
import { UserLink } from '../user-link.js';
import { NOT_FOUND_TITLE } from '../../../shared/pages.js';

export function ForumsPage() {
  const { user } = useSession();
  const [forums, setForums] = useState<Forum[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<ForumAnswers['forums']>('/api/forums').then((r) => setForums(r.items), (e: Error) => setError(e.message));
  }, []);
  return (
    <main aria-labelledby="forums-title">
      <h1 id="forums-title">Forums</h1>
      {!user && <p><a href="/signin">Sign in</a> or <a href="/signup">create an account</a> to start a thread or reply. Reading needs no account.</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      {forums === null && !error && <p aria-busy="true">Loading…</p>}
      {forums?.length === 0 && <p>No forums yet.</p>}
      <ul class="cards">
        {forums?.map((f) => (
          <li key={f.id} class="card">
            <a href={`/f/${f.id}`}><strong>{f.title}</strong></a>{f.archived && <span class="badge"> · archived (read-only)</span>}
            {f.description && <p>{f.description}</p>}
          </li>
        ))}
      </ul>
    </main>
  );
}

export function ForumPage({ forumId }: { forumId: string }) {
  const { user } = useSession();
  const [forum, setForum] = useState<Forum | null>(null);
  const [threads, setThreads] = useState<Thread[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  // Read again when the session changes: whether one may start a thread (`forum.can`) changes with it.
  useEffect(() => {
    api.get<ForumAnswers['forum']>(`/api/forums/${forumId}`).then((r) => setForum(r.forum), (e) => e instanceof ApiFailure && e.status === 404 && setMissing(true));
  }, [forumId, user]);
  useEffect(() => {
    api.get<ForumAnswers['threads']>(`/api/forums/${forumId}/threads`).then((p) => {
      setThreads(p.items);
      setNext(p.nextCursor);
    }, (e) => e instanceof ApiFailure && e.status === 404 && setMissing(true));
    // New threads and activity arrive live and move to the top.
    // (A live thread is everyone's view: it keeps the member's unread count the list gave.)
    return watchForum(forumId, (t) => setThreads((list) => {
      const unreadCount = t.unreadCount ?? list.find((x) => x.id === t.id)?.unreadCount;
      return [unreadCount === undefined ? t : { ...t, unreadCount }, ...list.filter((x) => x.id !== t.id)];
    }));
  }, [forumId]);

  // A removed thread leaves the list at once; moderators keep it, marked, as they read it now.
  useEffect(() => {
    const s = getSocket();
    const onRemoved = (p: { threadId: string; forumId: string }) => {
      if (p.forumId !== forumId) return;
      if (!isModerator(user)) return setThreads((list) => list.filter((x) => x.id !== p.threadId));
      modApi.getThread(p.threadId).then((t) => setThreads((list) => list.map((x) => (x.id === t.id ? t : x))), () => {});
    };
    s.on('thread:removed', onRemoved);
    return () => void s.off('thread:removed', onRemoved);
  }, [forumId, user?.id]);

  // After "Show older threads", the first thread it brought takes the focus (its link, the row's one
  // control): the button is gone with the last page, and a keyboard user goes on where they were.
  const focusThread = useRef<string | null>(null);
  const loading = useRef(false); // two presses before the answer load one page
  const [moreError, setMoreError] = useState<string | null>(null);
  useEffect(() => {
    if (focusThread.current === null) return;
    document.querySelector<HTMLElement>(`[data-thread-id="${CSS.escape(focusThread.current)}"] a`)?.focus();
    focusThread.current = null;
  }, [threads]);
  const more = async () => {
    if (!next || loading.current) return;
    loading.current = true;
    try {
      const p = await api.get<ForumAnswers['threads']>(`/api/forums/${forumId}/threads?cursor=${encodeURIComponent(next)}`);
      setThreads((list) => {
        const brought = p.items.filter((t) => !list.some((x) => x.id === t.id));
        focusThread.current = brought[0]?.id ?? null;
        return [...list, ...brought];
      });
      setNext(p.nextCursor);
      setMoreError(null);
    } catch (e) {
      // The button stays (focus with it) and says why: pressing it again tries again.
      setMoreError(errorText(e));
    } finally {
      loading.current = false;
    }
  };

  useTitle(missing ? NOT_FOUND_TITLE : forum?.title ?? 'Forum');
  if (missing) return <NotFoundPage what="forum" />;
  return (
    <main aria-labelledby="forum-title">
      <p class="crumbs"><a href="/">Forums</a> ›</p>
      <h1 id="forum-title">{forum?.title ?? 'Forum'}</h1>
      {forum?.description && <p>{forum.description}</p>}
      <section aria-labelledby="threads-title">
        <h2 id="threads-title">Threads</h2>
        {threads.length === 0 && <p>No threads yet. Start the first one.</p>}
        <ul class="threads" data-testid="thread-list">
          {threads.map((t) => (
            <li key={t.id} class={`thread-row${t.removal ? ' removed' : ''}`} data-thread-id={t.id}>
              <span class="thread-title-line">
                <a href={`/t/${t.id}`}>{t.purged ? '(title purged)' : t.title}</a>
                {!!t.unreadCount && <span class="new-count" data-testid="unread-count">{t.unreadCount} new<span class="visually-hidden"> {t.unreadCount === 1 ? 'post' : 'posts'}</span></span>}
              </span>
              {t.removal && <span class="badge"> · removed; only moderators can see it</span>}
              <span class="meta">
                {t.author && <>by <UserLink who={t.author} /></>} · {t.postCount} {t.postCount === 1 ? 'post' : 'posts'} · last {when(t.lastPostAt)}
                {t.locked && ' · locked'}
              </span>
            </li>
          ))}
        </ul>
        {moreError && <p class="form-error" role="alert">{moreError}</p>}
        {next && <button type="button" class="secondary" onClick={() => void more()}>Show older threads</button>}
      </section>
      <BanNotice user={user} />
      <ArchivedNotice forum={forum} />
      {forum?.can?.post && (
        <section aria-labelledby="start-thread-heading">
          <h2 id="start-thread-heading">Start a thread</h2>
          <Composer idPrefix="new-thread" label="Your post" submitLabel="Start thread" withTitle
            send={async (d) => {
              const r = await api.post<ForumAnswers['newThread'], NewThreadInput>(`/api/forums/${forumId}/threads`, { ...d, title: d.title ?? '' });
              navigate(`/t/${r.thread.id}`);
            }} />
        </section>
      )}
    </main>
  );
}
