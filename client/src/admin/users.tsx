// Admin › Users: find people by name, role and ban; change a role, ban with a reason and an
// optional end, unban. Bans go through the moderators' endpoints, so the same rules and audit apply.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AdminUser, AdminUsersFilter } from '../../../shared/schemas/index.js';
import { ROLES, type Role } from '../../../shared/roles.js';
import { adminApi } from '../admin-api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { errorText, when } from '../format.js';
import { fieldError, modApi } from '../mod-api.js';

function Select({ id, label, value, onChange, options }: {
  id: string; label: string; value: string; onChange(v: string): void; options: [value: string, label: string][];
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </div>
  );
}

export function AdminUsersSection() {
  const [query, setQuery] = useState('');
  const [role, setRole] = useState('');
  const [banned, setBanned] = useState('');
  const [rows, setRows] = useState<AdminUser[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [filter, setFilter] = useState<AdminUsersFilter>({});

  // The first list loads on its own, not through the form: a search pressed while it loads would
  // be refused as a second submit (and the whole list shown as its answer). Once a search is
  // made, the first list's answer, if later, is dropped.
  const searched = useRef(false);
  const search = useSubmit(async () => {
    searched.current = true;
    const f: AdminUsersFilter = { query: query.trim(), role: (role || undefined) as Role | undefined, banned: (banned || undefined) as 'true' | 'false' | undefined };
    return { f, page: await adminApi.users(f) };
  }, ({ f, page }) => {
    setFilter(f);
    setRows(page.items);
    setNext(page.nextCursor);
  });
  // After "Show more users", the first user it brought takes the focus: the button may be gone (no
  // more pages), and a keyboard user goes on where the new users start.
  const focusUser = useRef<string | null>(null);
  const more = useSubmit(() => adminApi.users(filter, next), (page) => {
    setRows((list) => [...(list ?? []), ...page.items]);
    setNext(page.nextCursor);
    focusUser.current = page.items[0]?.id ?? null;
  });
  useEffect(() => {
    let live = true;
    adminApi.users({}).then((page) => {
      if (!live || searched.current) return;
      setRows(page.items);
      setNext(page.nextCursor);
    }, (err: unknown) => {
      if (live && !searched.current) search.setFormError(errorText(err));
    });
    return () => void (live = false);
  }, []);
  useEffect(() => {
    if (focusUser.current === null) return;
    document.querySelector<HTMLElement>(`[data-testid="admin-user"][data-user-id="${CSS.escape(focusUser.current)}"]`)?.focus();
    focusUser.current = null;
  }, [rows]);

  const replace = (u: AdminUser) => setRows((list) => list?.map((x) => (x.id === u.id ? u : x)) ?? null);

  return (
    <section aria-labelledby="admin-users-title" class="mod-section">
      <h2 id="admin-users-title">Users</h2>
      <form class="inline-form" onSubmit={search.submit} noValidate role="search" aria-label="Find users">
        <Field id="admin-user-query" label="Name contains" type="search" value={query} onInput={setQuery} maxLength={32} autoComplete="off"
          error={search.errors.query} />
        <Select id="admin-user-role" label="Role" value={role} onChange={setRole}
          options={[['', 'Any role'], ...ROLES.map((r): [string, string] => [r, r])]} />
        <Select id="admin-user-banned" label="Banned" value={banned} onChange={setBanned}
          options={[['', 'Banned or not'], ['true', 'Banned'], ['false', 'Not banned']]} />
        <button type="submit" aria-disabled={search.busy || undefined}>{search.busy ? 'Searching…' : 'Search'}</button>
      </form>
      <FormError>{search.formError}</FormError>
      {rows?.length === 0 && <p data-testid="admin-users-empty">No user matches.</p>}
      <ul class="cards" data-testid="admin-users" aria-label="Users found">
        {rows?.map((u) => <UserRow key={u.id} user={u} onChanged={replace} />)}
      </ul>
      {/* aria-disabled while loading: a disabled button would drop the keyboard's focus to the page (useSubmit refuses a second press). */}
      {next && <button type="button" class="secondary" aria-disabled={more.busy || undefined} onClick={() => void more.submit()}>Show more users</button>}
      <FormError>{more.formError}</FormError>
    </section>
  );
}

/** The end of the day picked (in the admin's time zone), as the API's ISO time. */
const endOfDay = (date: string) => new Date(`${date}T23:59:59`).toISOString();

function UserRow({ user, onChanged }: { user: AdminUser; onChanged(u: AdminUser): void }) {
  const [message, setMessage] = useState<string | null>(null);
  const [newRole, setNewRole] = useState<string>(user.role);
  const [banning, setBanning] = useState(false);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const id = `admin-user-${user.id}`;

  const changeRole = useSubmit(() => adminApi.setRole(user.id, newRole as Role), (u) => {
    onChanged({ ...user, role: u.role });
    setMessage(`${user.username} is now ${u.role === 'admin' ? 'an' : 'a'} ${u.role}.`);
  });
  const ban = useSubmit(async () => {
    if (!reason.trim()) throw fieldError('reason', 'Give a reason for the ban.');
    if (until && Date.parse(endOfDay(until)) <= Date.now()) throw fieldError('until', 'Pick a day from today on, or leave it empty.');
    return modApi.ban(user.id, reason.trim(), until ? endOfDay(until) : null);
  }, (u) => {
    onChanged({ ...user, banned: true });
    setBanning(false);
    setReason('');
    setUntil('');
    setMessage(u.ban?.until ? `${user.username} is banned until ${when(u.ban.until)}.` : `${user.username} is banned permanently.`);
  });
  const unban = useSubmit(() => modApi.unban(user.id), () => {
    onChanged({ ...user, banned: false });
    setMessage(`${user.username} is no longer banned.`);
  });

  return (
    // Focusable, not a tab stop: after "Show more users" the first one it brought takes the focus.
    <li class="user-card" aria-labelledby={`${id}-name`} data-testid="admin-user" data-username={user.username} data-user-id={user.id} tabIndex={-1}>
      <h3 id={`${id}-name`}><a href={`/u/${encodeURIComponent(user.username)}`}>{user.username}</a></h3>
      <p class="meta">
        {user.role} · joined <time dateTime={user.createdAt}>{when(user.createdAt)}</time> · {user.postCount} {user.postCount === 1 ? 'post' : 'posts'} ·{' '}
        {user.banned ? <strong class="banned">banned</strong> : 'not banned'}
      </p>
      <p role="status" class="mod-message" data-testid="admin-user-message">{message ?? ''}</p>
      {/* Change role is aria-disabled, not disabled, while busy and while the role picked is the current
          one, which it is once a change is through: the button keeps the keyboard's focus, and a press
          then does nothing. */}
      <form class="inline-form" noValidate aria-label={`Change the role of ${user.username}`} onSubmit={(e) => {
        if (newRole === user.role) e.preventDefault();
        else void changeRole.submit(e);
      }}>
        <Select id={`${id}-role`} label={`Role of ${user.username}`} value={newRole} onChange={setNewRole}
          options={ROLES.map((r): [string, string] => [r, r])} />
        <button type="submit" class="secondary" aria-disabled={changeRole.busy || newRole === user.role || undefined}>
          {changeRole.busy ? 'Changing…' : 'Change role'}
        </button>
      </form>
      <FormError>{changeRole.formError}</FormError>
      {user.banned ? (
        <form onSubmit={unban.submit} class="mod-form">
          <FormError>{unban.formError}</FormError>
          <button type="submit" class="secondary" aria-disabled={unban.busy || undefined}>{unban.busy ? 'Unbanning…' : `Unban ${user.username}`}</button>
        </form>
      ) : !banning ? (
        <button type="button" class="secondary" onClick={() => setBanning(true)}>{`Ban ${user.username}…`}</button>
      ) : (
        <form onSubmit={ban.submit} class="mod-form" noValidate>
          <fieldset>
            <legend>Ban {user.username}</legend>
            <Field id={`${id}-ban-reason`} label="Reason for the ban" value={reason} onInput={setReason} maxLength={400} required
              hint="Kept in the audit log; the member sees it." error={ban.errors.reason} />
            <div class={`field${ban.errors.until ? ' has-error' : ''}`}>
              <label for={`${id}-ban-until`}>Last day of the ban (optional)</label>
              <p class="hint" id={`${id}-ban-until-hint`}>Leave empty for a ban without an end.</p>
              <input id={`${id}-ban-until`} type="date" value={until} onInput={(e) => setUntil((e.currentTarget as HTMLInputElement).value)}
                aria-invalid={ban.errors.until ? true : undefined}
                aria-describedby={`${id}-ban-until-hint${ban.errors.until ? ` ${id}-ban-until-error` : ''}`} />
              {ban.errors.until && <p class="field-error" id={`${id}-ban-until-error`} role="alert">{ban.errors.until}</p>}
            </div>
            <FormError>{ban.formError}</FormError>
            <div class="actions">
              <button type="submit" class="danger" aria-disabled={ban.busy || undefined}>{ban.busy ? 'Banning…' : `Ban ${user.username}`}</button>
              <button type="button" class="secondary" onClick={() => setBanning(false)}>Cancel</button>
            </div>
          </fieldset>
        </form>
      )}
    </li>
  );
}
