// Users: look up a member, ban or unban them, remove all their posts.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ModUser } from '../../../shared/schemas/index.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { when } from '../format.js';
import { banActive } from '../../../shared/roles.js';
import { fieldError, modApi } from '../mod-api.js';
import { useSearch } from '../router.js';
import { profilePath } from '../user-link.js';

const DURATIONS = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: 'forever', label: 'Permanently' },
] as const;

export function UsersSection() {
  const [username, setUsername] = useState('');
  const [found, setFound] = useState<ModUser | null>(null);
  const lookup = useSubmit(async () => {
    if (!username.trim()) throw fieldError('username', 'Enter a username.');
    return modApi.findUser(username.trim());
  }, setFound);

  // A person named in the audit log links here (`/mod?user=NAME`): look them up at once, in view.
  const search = useSearch();
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    const name = new URLSearchParams(search).get('user');
    if (!name) return;
    setUsername(name);
    setAsked((n) => n + 1);
  }, [search]);
  useEffect(() => {
    if (!asked) return;
    document.getElementById('users-title')?.scrollIntoView();
    void lookup.submit();
  }, [asked]);

  return (
    <section aria-labelledby="users-title" class="mod-section">
      <h2 id="users-title">Users</h2>
      <form class="inline-form" onSubmit={lookup.submit} noValidate role="search" aria-label="Find a user">
        <Field id="lookup-username" label="Username" type="search" value={username} onInput={setUsername} maxLength={32}
          autoComplete="off" error={lookup.errors.username} />
        <button type="submit" aria-disabled={lookup.busy || undefined}>{lookup.busy ? 'Looking up…' : 'Look up'}</button>
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
      <h3 id="found-user"><a href={profilePath(user.username)}>{user.username}</a></h3>
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
          <button type="submit" class="secondary" aria-disabled={unban.busy || undefined}>{unban.busy ? 'Unbanning…' : `Unban ${user.username}`}</button>
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
            <button type="submit" class="danger" aria-disabled={ban.busy || undefined}>{ban.busy ? 'Banning…' : `Ban ${user.username}`}</button>
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
                <button type="submit" class="danger" ref={confirmButton} aria-disabled={removePosts.busy || undefined}>
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
