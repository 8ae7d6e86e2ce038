import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Role } from '../../../shared/api.js';
import { ApiFailure, setCsrfToken } from '../api.js';
import { accountApi, type ExportData, type ExportFlag, type ExportPost, type Me, type PostsChoice, type SessionInfo } from '../account-api.js';
import { ensureFlash, flash } from '../account-flash.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { when } from '../format.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import '../account.css';

/** The account pages by path (`/account`), or null for other paths. */
export function accountRoute(path: string): JSX.Element | null {
  if (path === '/account' || path === '/account/') return <AccountPage />;
  return null;
}

const ROLE_LABEL: Record<Role, string> = { member: 'Member', moderator: 'Moderator', admin: 'Administrator' };
const HELD_REASON: Record<string, string> = {
  new_account: 'because your account is new',
  pii: 'because it may contain personal data',
  flags: 'because members flagged it',
};
const FLAG_STATUS: Record<ExportFlag['status'], string> = {
  open: 'waiting for a moderator',
  dismissed: 'dismissed by a moderator',
  actioned: 'a moderator acted on it',
};

/** A check in the page itself, reported next to its field like the server's own. */
const invalid = (field: string, message: string) => new ApiFailure(400, 'validation_failed', message, { field });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function AccountPage() {
  const { user, setUser } = useSession();
  const [me, setMe] = useState<Me | null>(null);
  const [data, setData] = useState<ExportData | null>(null);
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const fail = (e: unknown) => {
    if (e instanceof ApiFailure && e.status === 401) setUser(null); // the session ended elsewhere
    else setProblem(e instanceof Error ? e.message : 'Something went wrong.');
  };
  const loadSessions = () => accountApi.sessions().then(setSessions, fail);

  useEffect(() => {
    ensureFlash();
    if (!user) return;
    setProblem(null);
    accountApi.me().then(setMe, fail);
    accountApi.exportData().then(setData, fail);
    void loadSessions();
  }, [user?.id]);

  if (!user) {
    return (
      <main class="narrow" aria-labelledby="account-title">
        <h1 id="account-title">Your data</h1>
        <p data-testid="account-signin">
          <a href="/signin?next=/account">Sign in</a> to see everything Agora holds about you, correct it, download it or delete your account.
        </p>
      </main>
    );
  }

  const deleted = (choice: PostsChoice) => {
    setCsrfToken(null); // the session is gone with the account
    flash(choice === 'remove'
      ? 'Your account has been deleted and you are signed out. Your posts were removed.'
      : 'Your account has been deleted and you are signed out. Your posts stay under the name "former member".', '/');
    setUser(null);
    navigate('/');
  };

  return (
    <main class="account-page" aria-labelledby="account-title">
      <h1 id="account-title">Your data</h1>
      <p class="lead">
        This page shows everything Agora holds about you. You can correct your e-mail address and password,
        take a copy of all of it, or delete your account.
      </p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      {!me || !data ? (
        !problem && <p aria-busy="true">Loading your data…</p>
      ) : (
        <>
          <ProfileSection me={me} data={data} />
          <DownloadSection />
          <PostsSection data={data} />
          <ThreadsSection data={data} />
          <FlagsSection flags={data.flags} />
          <TestimonialsSummary data={data} />
          <SessionsSection sessions={sessions} reload={loadSessions} />
          <EmailSection me={me} onChanged={setMe} />
          <PasswordSection onChanged={loadSessions} />
          <DeleteSection data={data} onDeleted={deleted} />
        </>
      )}
    </main>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="account-section" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function ProfileSection({ me, data }: { me: Me; data: ExportData }) {
  const ban = data.user.ban;
  return (
    <Section id="profile" title="Profile">
      <dl class="data-list">
        <dt>Username</dt><dd data-testid="profile-username">{me.username}</dd>
        <dt>E-mail address</dt><dd data-testid="profile-email">{me.email} <span class="meta">(never shown to anyone)</span></dd>
        <dt>Role</dt><dd>{ROLE_LABEL[me.role]}</dd>
        <dt>Joined</dt><dd>{when(me.createdAt)}</dd>
        <dt>Account status</dt>
        <dd>{ban ? <span class="banned">Banned {ban.until ? `until ${when(ban.until)}` : 'with no end date'}: {ban.reason}</span> : 'In good standing'}</dd>
        {me.referralCode && <><dt>Invitation code</dt><dd><code>{me.referralCode}</code></dd></>}
        <dt>People who joined with your invitation</dt><dd data-testid="referral-count">{data.referrals.signups}</dd>
      </dl>
    </Section>
  );
}

function DownloadSection() {
  const [file, setFile] = useState<{ url: string; size: number; at: string } | null>(null);
  const [start, setStart] = useState(false);
  const link = useRef<HTMLAnchorElement>(null);
  const { busy, formError, submit } = useSubmit(accountApi.exportData, (data) => {
    const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
    setFile({ url: URL.createObjectURL(blob), size: blob.size, at: data.exportedAt });
    setStart(true);
  });
  useEffect(() => () => void (file && URL.revokeObjectURL(file.url)), [file]);
  useEffect(() => {
    if (!start || !file) return;
    setStart(false);
    link.current?.click();
  }, [start, file]);
  return (
    <Section id="download" title="Download my data">
      <p>One JSON file with everything on this page: your profile, posts, threads, flags, invitations, sessions and testimonials.</p>
      <FormError>{formError}</FormError>
      <div class="actions">
        <button type="button" onClick={() => void submit()} disabled={busy}>{busy ? 'Preparing…' : 'Download my data'}</button>
      </div>
      <p role="status" class="outcome" data-testid="download-status">
        {file && (
          <>
            Your data as of {when(file.at)} is ready.{' '}
            {/* The router must not take this link over: it is a file, not a page. */}
            <a ref={link} href={file.url} download="agora-export.json" onClick={(e) => e.stopPropagation()}>
              Save agora-export.json ({Math.max(1, Math.round(file.size / 1024))} KB)
            </a>
          </>
        )}
      </p>
    </Section>
  );
}

function postStatus(p: ExportPost): string {
  if (p.status === 'visible') return 'Published';
  if (p.status === 'held') return `Waiting for a moderator's review${p.heldReason && HELD_REASON[p.heldReason] ? ` ${HELD_REASON[p.heldReason]}` : ''}`;
  return p.removal ? `Removed on ${when(p.removal.at)}: ${p.removal.reason}` : 'Removed';
}

function PostsSection({ data }: { data: ExportData }) {
  const titles = new Map(data.threads.map((t) => [t.id, t.title]));
  const posts = [...data.posts].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Section id="posts" title={`Your posts (${posts.length})`}>
      {posts.length === 0 ? <p>You have not posted anything.</p> : (
        <ul class="data-items">
          {posts.map((p) => (
            <li key={p.id} class={`data-item ${p.status}`} data-testid="my-post">
              <p class="meta">
                <span class={`status-badge ${p.status}`}>{postStatus(p)}</span>
                {' · '}{when(p.createdAt)}{p.editedAt ? ` (edited ${when(p.editedAt)})` : ''}
                {' · '}<a href={`/t/${encodeURIComponent(p.threadId)}`}>{titles.has(p.threadId) ? `In your thread "${titles.get(p.threadId)}"` : 'Open the thread'}</a>
              </p>
              {p.source !== null ? <p class="data-text">{p.source}</p> : <p class="tombstone">Its text was erased for good.</p>}
              {p.piiTypes.length > 0 && <p class="meta">Personal data found in it: {p.piiTypes.join(', ')}</p>}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function ThreadsSection({ data }: { data: ExportData }) {
  return (
    <Section id="threads" title={`Threads you started (${data.threads.length})`}>
      {data.threads.length === 0 ? <p>You have not started a thread.</p> : (
        <ul class="data-items compact">
          {data.threads.map((t) => (
            <li key={t.id} class="data-item">
              <a href={`/t/${encodeURIComponent(t.id)}`}>{t.title}</a>
              <span class="meta"> · {when(t.createdAt)}{t.locked ? ' · locked' : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function FlagsSection({ flags }: { flags: ExportFlag[] }) {
  return (
    <Section id="flags" title={`Posts you flagged (${flags.length})`}>
      {flags.length === 0 ? <p>You have not flagged any post.</p> : (
        <ul class="data-items compact">
          {flags.map((f) => (
            <li key={f.id} class="data-item">
              <span class="flag-reason">{f.reason}</span>
              <span class="meta"> · {when(f.createdAt)} · {FLAG_STATUS[f.status]} · post <code>{f.postId}</code></span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function TestimonialsSummary({ data }: { data: ExportData }) {
  const items = data.testimonials;
  const consented = items.filter((t) => t.consent).length;
  return (
    <Section id="my-testimonials" title={`Your testimonials (${items.length})`}>
      <p>
        {items.length === 0 ? 'You have not written a testimonial.'
          : `You wrote ${plural(items.length, 'testimonial')}; you agreed to publication of ${consented === 0 ? 'none of them' : consented === items.length ? (items.length === 1 ? 'it' : 'all of them') : consented}.`}
        {' '}<a href="/testimonials">Write testimonials, edit them or withdraw your consent</a>.
      </p>
    </Section>
  );
}

function SessionsSection({ sessions, reload }: { sessions: SessionInfo[] | null; reload(): Promise<unknown> }) {
  const [message, setMessage] = useState('');
  const { busy, formError, submit } = useSubmit(accountApi.signOutOthers, (ended) => {
    setMessage(ended === 0 ? 'There were no other sessions to sign out.' : `Signed out ${plural(ended, 'other session')}.`);
    void reload();
  });
  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <Section id="sessions" title="Where you are signed in">
      {!sessions ? <p aria-busy="true">Loading…</p> : (
        <ul class="data-items compact" data-testid="session-list">
          {sessions.map((s) => (
            <li key={s.id} class={`data-item${s.current ? ' current' : ''}`}>
              {s.current ? <strong>This device</strong> : 'Another device or browser'}
              <span class="meta"> · signed in {s.createdAt ? when(s.createdAt) : 'at an unknown time'} · session <code>{s.id}</code></span>
            </li>
          ))}
        </ul>
      )}
      <FormError>{formError}</FormError>
      {others > 0 && (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void submit()} disabled={busy}>
            {busy ? 'Signing out…' : 'Sign out other sessions'}
          </button>
        </div>
      )}
      <p role="status" class="outcome">{message}</p>
    </Section>
  );
}

function EmailSection({ me, onChanged }: { me: Me; onChanged(me: Me): void }) {
  const [email, setEmail] = useState(me.email);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState('');
  const { busy, errors, formError, submit } = useSubmit(async () => {
    setMessage('');
    const next = email.trim();
    if (!next) throw invalid('email', 'Enter your new e-mail address.');
    if (next === me.email) throw invalid('email', 'That is already your e-mail address.');
    if (!password) throw invalid('currentPassword', 'Enter your current password to confirm the change.');
    return accountApi.changeEmail(password, next);
  }, (updated) => {
    setPassword('');
    setEmail(updated.email);
    onChanged(updated);
    setMessage(`Your e-mail address is now ${updated.email}.`);
  });
  return (
    <Section id="change-email" title="Change your e-mail address">
      <form onSubmit={submit} noValidate>
        <Field id="email-new" label="New e-mail address" type="email" value={email} onInput={setEmail} autoComplete="email" required
          hint="Never shown to anyone; used only for your account." error={errors.email} />
        <Field id="email-current-password" label="Current password" type="password" value={password} onInput={setPassword}
          autoComplete="current-password" required error={errors.currentPassword} />
        <FormError>{formError}</FormError>
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Change e-mail address'}</button>
      </form>
      <p role="status" class="outcome" data-testid="email-outcome">{message}</p>
    </Section>
  );
}

function PasswordSection({ onChanged }: { onChanged(): void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [message, setMessage] = useState('');
  const { busy, errors, formError, submit } = useSubmit(async () => {
    setMessage('');
    if (!current) throw invalid('currentPassword', 'Enter your current password.');
    if (next.length < 10) throw invalid('newPassword', 'Your new password needs at least 10 characters.');
    if (repeat !== next) throw invalid('repeatPassword', 'This does not match the new password above.');
    return accountApi.changePassword(current, next);
  }, () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setMessage('Your password has been changed. All your other sessions were signed out; this one stays signed in.');
    onChanged();
  });
  return (
    <Section id="change-password" title="Change your password">
      <form onSubmit={submit} noValidate>
        <Field id="password-current" label="Current password" type="password" value={current} onInput={setCurrent}
          autoComplete="current-password" required error={errors.currentPassword} />
        <Field id="password-new" label="New password" type="password" value={next} onInput={setNext} autoComplete="new-password" required
          hint="At least 10 characters. Changing it signs you out everywhere else." error={errors.newPassword} />
        <Field id="password-repeat" label="Repeat the new password" type="password" value={repeat} onInput={setRepeat}
          autoComplete="new-password" required error={errors.repeatPassword} />
        <FormError>{formError}</FormError>
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Change password'}</button>
      </form>
      <p role="status" class="outcome" data-testid="password-outcome">{message}</p>
    </Section>
  );
}

function DeleteSection({ data, onDeleted }: { data: ExportData; onDeleted(choice: PostsChoice): void }) {
  const [step, setStep] = useState<'closed' | 'choose' | 'confirm'>('closed');
  const [choice, setChoice] = useState<PostsChoice | null>(null);
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const [serverErrorsShown, setServerErrorsShown] = useState(true);
  const firstControl = useRef<HTMLInputElement>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const posts = data.posts.length;
  const threads = data.threads.length;

  const { busy, errors, formError, submit } = useSubmit(async () => {
    try {
      await accountApi.deleteAccount(password, choice!);
    } catch (e) {
      setServerErrorsShown(true);
      if (e instanceof ApiFailure && e.field) setStep('choose'); // e.g. a wrong password: back to its field
      throw e;
    }
    return choice!;
  }, onDeleted);

  const focusChoose = () => {
    const bad = document.querySelector<HTMLElement>('#delete-account [aria-invalid="true"]');
    (bad ?? firstControl.current)?.focus();
  };
  useEffect(() => {
    if (step === 'confirm') confirmHeading.current?.focus();
    if (step === 'choose') focusChoose();
  }, [step]);
  // A refusal from the server (a wrong password) may render after the step change: focus its field then.
  useEffect(() => {
    if (step === 'choose' && Object.values(errors).some(Boolean)) focusChoose();
  }, [errors]);

  const error = (f: string) => local[f] ?? (serverErrorsShown ? errors[f] : undefined);

  const toConfirm = (e: Event) => {
    e.preventDefault();
    const found: Record<string, string | undefined> = {};
    if (!choice) found.posts = 'Choose what happens to your posts.';
    if (!password) found.password = 'Enter your current password.';
    setLocal(found);
    setServerErrorsShown(false);
    if (found.posts) document.getElementById('delete-posts-remove')?.focus();
    else if (found.password) document.getElementById('delete-password')?.focus();
    else setStep('confirm');
  };

  const cancel = () => {
    setStep('closed');
    setPassword('');
    setChoice(null);
    setLocal({});
  };

  return (
    <section class="account-section danger-zone" id="delete-account" aria-labelledby="delete-title" data-testid="delete-account">
      <h2 id="delete-title">Delete my account</h2>
      <p>
        Deleting your account erases your profile, e-mail address, sessions, flags and testimonials at once.
        You choose what happens to your posts. Moderators' records of their own actions stay, without your personal data.
      </p>
      {step === 'closed' && (
        <div class="actions">
          <button type="button" class="danger" onClick={() => setStep('choose')}>Delete my account…</button>
        </div>
      )}
      {step === 'choose' && (
        <form onSubmit={toConfirm} noValidate class="delete-form">
          <fieldset class={`choice${error('posts') ? ' has-error' : ''}`} aria-describedby={error('posts') ? 'delete-posts-error' : undefined}>
            <legend>What should happen to your {plural(posts, 'post')}{threads ? ` and ${plural(threads, 'thread')}` : ''}?</legend>
            <label class="radio" for="delete-posts-remove">
              <input ref={firstControl} type="radio" id="delete-posts-remove" name="delete-posts" value="remove" checked={choice === 'remove'}
                onChange={() => setChoice('remove')} aria-describedby="delete-posts-remove-hint" />
              <span>
                <strong>Remove my posts</strong>
                <span class="hint" id="delete-posts-remove-hint">
                  Their text is erased for good and the titles of threads you started are replaced. Replies by others stay.
                </span>
              </span>
            </label>
            <label class="radio" for="delete-posts-anonymize">
              <input type="radio" id="delete-posts-anonymize" name="delete-posts" value="anonymize" checked={choice === 'anonymize'}
                onChange={() => setChoice('anonymize')} aria-describedby="delete-posts-anonymize-hint" />
              <span>
                <strong>Keep my posts as "former member"</strong>
                <span class="hint" id="delete-posts-anonymize-hint">
                  They stay readable, shown as written by "former member" instead of your name. Anything you wrote about yourself in them stays as written.
                </span>
              </span>
            </label>
            {error('posts') && <p class="field-error" id="delete-posts-error" role="alert">{error('posts')}</p>}
          </fieldset>
          <Field id="delete-password" label="Current password" type="password" value={password} onInput={setPassword}
            autoComplete="current-password" required error={error('password')} />
          <FormError>{serverErrorsShown ? formError : null}</FormError>
          <div class="actions">
            <button type="submit" class="danger">Continue</button>
            <button type="button" class="secondary" onClick={cancel}>Cancel</button>
          </div>
        </form>
      )}
      {step === 'confirm' && (
        <div class="confirm-panel" role="group" aria-labelledby="delete-confirm-title" data-testid="delete-confirm">
          <h3 id="delete-confirm-title" tabIndex={-1} ref={confirmHeading}>Delete your account for good?</h3>
          <p><strong>This cannot be undone.</strong> You will be signed out everywhere, and nobody can restore the account.</p>
          <ul>
            <li>Your profile and e-mail address, your sessions, flags and testimonials are deleted now.</li>
            <li>
              {choice === 'remove'
                ? `Your ${plural(posts, 'post')} will be removed${threads ? `, and the titles of your ${plural(threads, 'thread')} replaced` : ''}.`
                : `Your ${plural(posts, 'post')} will stay, shown as written by "former member".`}
            </li>
          </ul>
          <FormError>{formError}</FormError>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void submit()} disabled={busy}>
              {busy ? 'Deleting…' : 'Delete my account for good'}
            </button>
            <button type="button" class="secondary" onClick={() => setStep('choose')} disabled={busy}>Go back</button>
          </div>
        </div>
      )}
    </section>
  );
}
