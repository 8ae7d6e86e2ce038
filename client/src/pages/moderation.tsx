import { useEffect, useRef, useState } from 'preact/hooks';
import type { Post } from '../../../shared/api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { errorText, when } from '../format.js';
import { PostModActions, RemovalNote, type ModOutcome } from '../mod-actions.js';
import {
  AUDIT_ACTION_LABEL, AUDIT_ACTIONS, banActive, fieldError, isModerator, modApi, upsertItem, watchModQueue,
  type AuditEntry, type AuditFilter, type Flag, type ModUser, type QueueEvent, type QueueItem,
} from '../mod-api.js';
import { useSession } from '../session.js';

const authorName = (post: Post) => post.author?.username ?? 'an unknown author';

export function ModerationPage() {
  const { user } = useSession();
  if (!user || !isModerator(user)) {
    return (
      <main aria-labelledby="mod-title">
        <h1 id="mod-title">Not allowed</h1>
        <p data-testid="mod-not-allowed">
          The moderation dashboard is only for moderators and administrators.
          {user ? ' Your account cannot open it.' : <> <a href="/signin?next=/mod">Sign in</a> with a moderator's account to open it.</>}
        </p>
        <p><a href="/">Back to the forums</a></p>
      </main>
    );
  }
  return (
    <main aria-labelledby="mod-title" class="mod-page">
      <h1 id="mod-title">Moderation</h1>
      <QueueSection />
      <UsersSection />
      <AuditSection />
    </main>
  );
}

// ---------------------------------------------------------------------------------------------
// The live review queue

interface UndoNotice {
  post: Post;
  reason: string;
  state: 'removed' | 'restoring' | 'restored';
  error?: string;
}

function QueueSection() {
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [undo, setUndo] = useState<UndoNotice[]>([]);
  const undoList = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [focusUndo, setFocusUndo] = useState(false);

  useEffect(() => watchModQueue({
    loaded: (page) => {
      setItems(page.items);
      setNext(page.nextCursor);
    },
    event: (e: QueueEvent) => setItems((list) => {
      const current = list ?? [];
      return e.kind === 'resolved' ? current.filter((i) => i.post.id !== e.item.postId) : upsertItem(current, e.item);
    }),
    status: (on, why) => {
      setLive(on);
      setProblem(on ? null : why ?? null);
    },
  }), []);

  useEffect(() => {
    if (!focusUndo) return;
    undoList.current?.querySelector<HTMLElement>('.undo-item')?.focus();
    setFocusUndo(false);
  }, [focusUndo]);

  const more = async () => {
    if (!next) return;
    try {
      const page = await modApi.queue(next);
      setItems((list) => [...(list ?? []), ...page.items.filter((i) => !(list ?? []).some((x) => x.post.id === i.post.id))]);
      setNext(page.nextCursor);
    } catch (e) {
      setProblem(errorText(e));
    }
  };

  const dropItem = (postId: string) => setItems((list) => (list ?? []).filter((i) => i.post.id !== postId));

  const outcome = (o: ModOutcome, item: QueueItem) => {
    dropItem(item.post.id);
    if (o.kind === 'removed') {
      setUndo((list) => [{ post: o.post, reason: o.reason, state: 'removed' as const }, ...list.filter((n) => n.post.id !== o.post.id)].slice(0, 5));
      setMessage(null);
      setFocusUndo(true);
      return;
    }
    setMessage(o.kind === 'approved' ? `Approved the post by ${authorName(item.post)}: everyone can see it now.`
      : o.kind === 'purged' ? `Purged the post by ${authorName(item.post)} for good.`
      : `Restored the post by ${authorName(item.post)}.`);
    heading.current?.focus();
  };

  const restore = async (n: UndoNotice) => {
    const set = (patch: Partial<UndoNotice>) => setUndo((list) => list.map((x) => (x.post.id === n.post.id ? { ...x, ...patch } : x)));
    set({ state: 'restoring', error: undefined });
    try {
      await modApi.restorePost(n.post.id);
      set({ state: 'restored' });
    } catch (e) {
      set({ state: 'removed', error: errorText(e) });
    }
  };

  const flagDismissed = (item: QueueItem, flag: Flag) => {
    const rest = item.flags.filter((f) => f.id !== flag.id);
    // The server's mod:queue event confirms this; until it arrives the page shows the result at once.
    if (rest.length === 0 && item.kind === 'flag') dropItem(item.post.id);
    else setItems((list) => upsertItem(list ?? [], { ...item, flags: rest }));
    setMessage(`Dismissed the flag by ${flag.by?.username ?? 'a member'}.`);
  };

  return (
    <section aria-labelledby="queue-title" class="mod-section">
      <h2 id="queue-title" tabIndex={-1} ref={heading}>
        Review queue {items && <span class="count">({items.length}{next ? '+' : ''} waiting)</span>}
      </h2>
      <p class="meta">
        <span class={`live ${live ? 'on' : 'off'}`} data-testid="queue-live">{live ? 'Live' : 'Connecting…'}</span>
        {' · '}Flagged and held posts appear here as they arrive, oldest first.
      </p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <p role="status" class="mod-message" data-testid="queue-message">{message ?? ''}</p>
      {undo.length > 0 && (
        <div class="undo-list" ref={undoList} role="group" aria-label="Recent removals" data-testid="undo-list">
          {undo.map((n) => (
            <div key={n.post.id} class="undo-item" tabIndex={-1} role="status">
              {n.state === 'restored'
                ? <span>Restored the post by <strong>{authorName(n.post)}</strong>.</span>
                : <span>Removed the post by <strong>{authorName(n.post)}</strong> ({n.reason}).</span>}
              {n.state !== 'restored' && (
                <button type="button" class="secondary" disabled={n.state === 'restoring'} onClick={() => void restore(n)}>
                  {n.state === 'restoring' ? 'Undoing…' : 'Undo'}
                </button>
              )}
              <a href={`/t/${n.post.threadId}`}>Open the thread</a>
              <button type="button" class="link-button" aria-label={`Hide this notice about the post by ${authorName(n.post)}`}
                onClick={() => setUndo((list) => list.filter((x) => x.post.id !== n.post.id))}>Hide</button>
              {n.error && <p class="form-error" role="alert">{n.error}</p>}
            </div>
          ))}
        </div>
      )}
      {items === null && !problem && <p aria-busy="true">Loading the queue…</p>}
      {items?.length === 0 && <p data-testid="queue-empty">Nothing is waiting for review.</p>}
      <ul class="queue" aria-live="polite" aria-relevant="additions" aria-labelledby="queue-title" data-testid="queue">
        {items?.map((item) => (
          <QueueCard key={item.post.id} item={item} onOutcome={(o) => outcome(o, item)} onDismissed={(f) => flagDismissed(item, f)} />
        ))}
      </ul>
      {next && <button type="button" class="secondary" onClick={() => void more()}>Load more of the queue</button>}
    </section>
  );
}

function QueueCard({ item, onOutcome, onDismissed }: { item: QueueItem; onOutcome(o: ModOutcome): void; onDismissed(f: Flag): void }) {
  const { post, flags } = item;
  const metaId = `queue-${post.id}-meta`;
  return (
    <li class={`queue-item kind-${item.kind}`} data-testid="queue-item" data-post-id={post.id} aria-labelledby={metaId}>
      <p class="meta" id={metaId}>
        <span class={`kind-badge kind-${item.kind}`}>{item.kind === 'held' ? 'Held for review' : 'Flagged'}</span>
        {' '}Post by <strong>{authorName(post)}</strong> · <time dateTime={post.createdAt}>{when(post.createdAt)}</time>
        {' · '}status: {post.status}
        {' · '}<a href={`/t/${post.threadId}`}>Open the thread</a>
      </p>
      {post.status === 'removed' && <RemovalNote removal={post.removal} purged={post.purged} />}
      {post.html === null
        ? <p class="tombstone">{post.purged ? 'The content was purged for good.' : 'No content.'}</p>
        // Sanitized on the server when it was written (strict allowlist), as on the thread page.
        : <div class="post-body queued-body" dangerouslySetInnerHTML={{ __html: post.html }} />}
      {flags.length > 0 && (
        <>
          <h3 class="flags-title">{flags.length === 1 ? '1 open flag' : `${flags.length} open flags`}</h3>
          <ul class="flags">
            {flags.map((f) => <FlagRow key={f.id} flag={f} onDismissed={() => onDismissed(f)} />)}
          </ul>
        </>
      )}
      <PostModActions post={post} idPrefix={`q-${post.id}`} describedBy={metaId} onOutcome={onOutcome} />
    </li>
  );
}

function FlagRow({ flag, onDismissed }: { flag: Flag; onDismissed(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const by = flag.by?.username ?? 'a member';
  const dismiss = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await modApi.dismissFlag(flag.id);
      onDismissed();
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  };
  return (
    <li class="flag" data-testid="flag">
      <span class="flag-reason">“{flag.reason}”</span>
      <span class="meta"> flagged by <strong>{by}</strong> · <time dateTime={flag.createdAt}>{when(flag.createdAt)}</time></span>
      <button type="button" class="secondary small" disabled={busy} aria-label={`Dismiss the flag by ${by}`} onClick={() => void dismiss()}>
        {busy ? 'Dismissing…' : 'Dismiss'}
      </button>
      {error && <p class="form-error" role="alert">{error}</p>}
    </li>
  );
}

// ---------------------------------------------------------------------------------------------
// Users: look up, ban, unban, remove all posts

const DURATIONS = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: 'forever', label: 'Permanently' },
] as const;

function UsersSection() {
  const [username, setUsername] = useState('');
  const [found, setFound] = useState<ModUser | null>(null);
  const lookup = useSubmit(async () => {
    if (!username.trim()) throw fieldError('username', 'Enter a username.');
    return modApi.findUser(username.trim());
  }, setFound);
  return (
    <section aria-labelledby="users-title" class="mod-section">
      <h2 id="users-title">Users</h2>
      <form class="inline-form" onSubmit={lookup.submit} noValidate role="search" aria-label="Find a user">
        <Field id="lookup-username" label="Username" type="search" value={username} onInput={setUsername} maxLength={32}
          autoComplete="off" error={lookup.errors.username} />
        <button type="submit" disabled={lookup.busy}>{lookup.busy ? 'Looking up…' : 'Look up'}</button>
      </form>
      <FormError>{lookup.formError}</FormError>
      {found && <UserCard key={found.id} user={found} onChanged={setFound} />}
    </section>
  );
}

function UserCard({ user, onChanged }: { user: ModUser; onChanged(u: ModUser): void }) {
  const banned = banActive(user.ban);
  const [message, setMessage] = useState<string | null>(null);
  const [banReason, setBanReason] = useState('');
  const [duration, setDuration] = useState<string>('7');
  const [postsReason, setPostsReason] = useState('');
  const [confirmPosts, setConfirmPosts] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirmPosts) confirmButton.current?.focus();
  }, [confirmPosts]);

  const ban = useSubmit(async () => {
    if (!banReason.trim()) throw fieldError('reason', 'Give a reason for the ban.');
    const until = duration === 'forever' ? null : new Date(Date.now() + Number(duration) * 86_400_000).toISOString();
    return modApi.ban(user.id, banReason.trim(), until);
  }, (u) => {
    onChanged({ ...user, ...u });
    setBanReason('');
    setMessage(u.ban?.until ? `${user.username} is banned until ${when(u.ban.until)}.` : `${user.username} is banned permanently.`);
  });
  const unban = useSubmit(() => modApi.unban(user.id), (u) => {
    onChanged({ ...user, ...u, ban: null });
    setMessage(`${user.username} is no longer banned.`);
  });
  const removePosts = useSubmit(async () => {
    if (!postsReason.trim()) throw fieldError('reason', 'Give a reason for removing the posts.');
    if (!confirmPosts) {
      setConfirmPosts(true);
      return null;
    }
    return modApi.removePosts(user.id, postsReason.trim());
  }, (n) => {
    if (n === null) return;
    setConfirmPosts(false);
    setPostsReason('');
    setMessage(`Removed ${n} ${n === 1 ? 'post' : 'posts'} by ${user.username}.`);
  });

  return (
    <article class="user-card" aria-labelledby="found-user" data-testid="user-card">
      <h3 id="found-user">{user.username}</h3>
      <p class="meta">
        {user.role} · joined <time dateTime={user.createdAt}>{when(user.createdAt)}</time> ·{' '}
        {banned
          ? <strong class="banned">banned {user.ban!.until ? `until ${when(user.ban!.until)}` : 'permanently'}{user.ban!.reason ? ` (${user.ban!.reason})` : ''}</strong>
          : 'not banned'}
      </p>
      <p role="status" class="mod-message" data-testid="user-message">{message ?? ''}</p>

      {banned ? (
        <form onSubmit={unban.submit} class="mod-form">
          <FormError>{unban.formError}</FormError>
          <button type="submit" class="secondary" disabled={unban.busy}>{unban.busy ? 'Unbanning…' : `Unban ${user.username}`}</button>
        </form>
      ) : (
        <form onSubmit={ban.submit} class="mod-form" noValidate>
          <fieldset>
            <legend>Ban {user.username}</legend>
            <Field id="ban-reason" label="Reason for the ban" value={banReason} onInput={setBanReason} maxLength={400} required
              hint="Kept in the audit log." error={ban.errors.reason} />
            <div class={`field${ban.errors.until ? ' has-error' : ''}`}>
              <label for="ban-duration">Duration</label>
              <select id="ban-duration" value={duration} onChange={(e) => setDuration((e.currentTarget as HTMLSelectElement).value)}
                aria-invalid={ban.errors.until ? true : undefined} aria-describedby={ban.errors.until ? 'ban-duration-error' : undefined}>
                {DURATIONS.map((d) => <option key={d.value} value={d.value}>{d.label}</option>)}
              </select>
              {ban.errors.until && <p class="field-error" id="ban-duration-error" role="alert">{ban.errors.until}</p>}
            </div>
            <FormError>{ban.formError}</FormError>
            <button type="submit" class="danger" disabled={ban.busy}>{ban.busy ? 'Banning…' : `Ban ${user.username}`}</button>
          </fieldset>
        </form>
      )}

      <form onSubmit={removePosts.submit} class="mod-form" noValidate>
        <fieldset>
          <legend>Remove every post by {user.username}</legend>
          <Field id="remove-posts-reason" label="Reason for removing the posts" value={postsReason} onInput={setPostsReason} maxLength={400} required
            hint="Each post becomes a tombstone in every open tab; you can restore them one by one from the threads." error={removePosts.errors.reason} />
          <FormError>{removePosts.formError}</FormError>
          {confirmPosts ? (
            <div class="confirm" role="group" aria-labelledby="remove-posts-confirm">
              <p id="remove-posts-confirm"><strong>Remove all posts by {user.username}?</strong></p>
              <div class="actions">
                <button type="submit" class="danger" ref={confirmButton} disabled={removePosts.busy}>
                  {removePosts.busy ? 'Removing…' : 'Yes, remove all their posts'}
                </button>
                <button type="button" class="secondary" onClick={() => setConfirmPosts(false)}>Cancel</button>
              </div>
            </div>
          ) : (
            <button type="submit" class="secondary">Remove all posts…</button>
          )}
        </fieldset>
      </form>
    </article>
  );
}

// ---------------------------------------------------------------------------------------------
// The audit log

function AuditSection() {
  const [actorName, setActorName] = useState('');
  const [action, setAction] = useState('');
  const [targetId, setTargetId] = useState('');
  const [filter, setFilter] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useSubmit(async () => {
    const f: AuditFilter = {};
    if (actorName.trim()) f.actor = (await modApi.findUser(actorName.trim(), 'actor')).id;
    if (action) f.action = action;
    if (targetId.trim()) f.targetId = targetId.trim();
    return { f, page: await modApi.audit(f) };
  }, ({ f, page }) => {
    setFilter(f);
    setEntries(page.items);
    setNext(page.nextCursor);
    setMoreError(null);
  });

  // The first read, and a re-read whenever the filters are cleared (after the fields have updated).
  const [reloads, setReloads] = useState(0);
  useEffect(() => void load.submit(), [reloads]);

  const more = async () => {
    if (!next || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await modApi.audit(filter, next);
      setEntries((list) => [...(list ?? []), ...page.items]);
      setNext(page.nextCursor);
    } catch (e) {
      setMoreError(errorText(e));
    } finally {
      setLoadingMore(false);
    }
  };

  const filtered = !!(filter.actor || filter.action || filter.targetId);
  return (
    <section aria-labelledby="audit-title" class="mod-section">
      <h2 id="audit-title">Audit log</h2>
      <form class="audit-filters" onSubmit={load.submit} noValidate aria-label="Filter the audit log">
        <Field id="audit-actor" label="Moderator (username)" type="search" value={actorName} onInput={setActorName} maxLength={32}
          autoComplete="off" error={load.errors.actor} />
        <div class={`field${load.errors.action ? ' has-error' : ''}`}>
          <label for="audit-action">Action</label>
          <select id="audit-action" value={action} onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value)}
            aria-invalid={load.errors.action ? true : undefined} aria-describedby={load.errors.action ? 'audit-action-error' : undefined}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a}>{a} ({AUDIT_ACTION_LABEL[a]})</option>)}
          </select>
          {load.errors.action && <p class="field-error" id="audit-action-error" role="alert">{load.errors.action}</p>}
        </div>
        <Field id="audit-target" label="Target id" type="search" value={targetId} onInput={setTargetId} maxLength={64}
          autoComplete="off" hint="A post, thread or user id." error={load.errors.targetId} />
        <div class="actions">
          <button type="submit" disabled={load.busy}>{load.busy ? 'Loading…' : 'Show entries'}</button>
          <button type="button" class="secondary" disabled={load.busy} onClick={() => {
            setActorName('');
            setAction('');
            setTargetId('');
            setReloads((n) => n + 1);
          }}>Clear filters</button>
        </div>
      </form>
      <FormError>{load.formError}</FormError>
      {entries === null && !load.formError && <p aria-busy="true">Loading the audit log…</p>}
      {entries?.length === 0 && <p role="status">{filtered ? 'No entries match these filters.' : 'No moderation actions yet.'}</p>}
      {entries && entries.length > 0 && (
        <div class="table-wrap">
          <table class="audit" data-testid="audit-table">
            <caption>Moderation actions, newest first{filtered ? ' (filtered)' : ''}</caption>
            <thead>
              <tr><th scope="col">When</th><th scope="col">Moderator</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Reason</th></tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-entry">
                  <td><time dateTime={e.at}>{when(e.at)}</time></td>
                  <td>{e.actor.username}</td>
                  <td><code>{e.action}</code></td>
                  <td>
                    {e.target.kind}{' '}
                    {e.target.kind === 'thread' ? <a href={`/t/${e.target.id}`}><code>{e.target.id}</code></a> : <code>{e.target.id}</code>}
                  </td>
                  <td>
                    {e.reason || <span class="meta">{e.reasonBy ? 'erased with its author\'s account' : 'none given'}</span>}
                    {e.reasonBy && <span class="meta"> · from a flag by {e.reasonBy.username}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <p class="form-error" role="alert">{moreError}</p>}
      {next && <button type="button" class="secondary" disabled={loadingMore} onClick={() => void more()}>{loadingMore ? 'Loading…' : 'Load more'}</button>}
    </section>
  );
}
