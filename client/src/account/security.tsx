// Where you are signed in, and the address and password that sign you in.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Me, SessionInfo } from '../../../shared/schemas/index.js';
import { accountApi } from '../account-api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { when } from '../format.js';
import { NoMailSent } from '../no-mail-notice.js';
import { ResendVerification } from '../pages/verify-email.js';
import { useSession } from '../session.js';
import { invalid, plural, Section } from './section.js';

export function SessionsSection({ sessions, reload }: { sessions: SessionInfo[] | null; reload(): Promise<unknown> }) {
  const [message, setMessage] = useState('');
  const outcome = useRef<HTMLParagraphElement>(null);
  const [reloaded, setReloaded] = useState(false);
  const { busy, formError, submit } = useSubmit(accountApi.signOutOthers, (ended) => {
    setMessage(ended === 0 ? 'There were no other sessions to sign out.' : `Signed out ${plural(ended, 'other session')}.`);
    void reload().then(() => setReloaded(true));
  });
  const others = sessions?.filter((s) => !s.current).length ?? 0;
  // With no other session left the button goes, and the keyboard's focus with it: the outcome takes it.
  useEffect(() => {
    if (!reloaded) return;
    setReloaded(false);
    if (!document.activeElement || document.activeElement === document.body) outcome.current?.focus();
  }, [reloaded]);
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
          {/* aria-disabled while busy: a disabled button would drop the keyboard's focus to the page. */}
          <button type="button" class="secondary" onClick={() => void submit()} aria-disabled={busy || undefined}>
            {busy ? 'Signing out…' : 'Sign out other sessions'}
          </button>
        </div>
      )}
      <p role="status" class="outcome" tabIndex={-1} ref={outcome}>{message}</p>
    </Section>
  );
}

export function EmailSection({ me, onChanged }: { me: Me; onChanged(me: Me): void }) {
  const { user, setUser } = useSession();
  const [email, setEmail] = useState(me.email);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState<ComponentChildren>('');
  const { busy, errors, formError, submit } = useSubmit(async () => {
    setMessage('');
    const next = email.trim();
    if (!next) throw invalid('email', 'Enter your new e-mail address.');
    if (next === me.email) throw invalid('email', 'That is already your e-mail address.');
    if (!password) throw invalid('currentPassword', 'Enter your current password to confirm the change.');
    return accountApi.changeEmail(password, next);
  }, ({ user: updated, outbox }) => {
    setPassword('');
    setEmail(updated.email);
    onChanged(updated);
    // The session's copy too: what says whether notification e-mail can go out reads it.
    if (user && user.emailVerified !== updated.emailVerified) setUser({ ...user, emailVerified: updated.emailVerified });
    setMessage(outbox
      ? <>Your e-mail address is now {updated.email}. <NoMailSent outbox={outbox} what="the link to confirm it (and the notice to your old address)" /></>
      : `Your e-mail address is now ${updated.email}. We sent it a link to confirm it, and told your old address of the change.`);
  });
  return (
    <Section id="change-email" title="Change your e-mail address">
      {me.emailVerified
        ? <p data-testid="email-verified">Your address {me.email} is verified.</p>
        : (
          <div data-testid="email-unverified">
            <p>Your address {me.email} is not verified yet: follow the link we e-mailed to it.</p>
            <ResendVerification idPrefix="account" />
          </div>
        )}
      <form onSubmit={submit} noValidate>
        <Field id="email-new" label="New e-mail address" type="email" value={email} onInput={setEmail} autoComplete="email" required
          hint="Never shown to anyone; used only for your account." error={errors.email} />
        <Field id="email-current-password" label="Current password" type="password" value={password} onInput={setPassword}
          autoComplete="current-password" required error={errors.currentPassword} />
        <FormError>{formError}</FormError>
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Change e-mail address'}</button>
      </form>
      <p role="status" class="outcome" data-testid="email-outcome">{message}</p>
    </Section>
  );
}

export function PasswordSection({ onChanged }: { onChanged(): void }) {
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
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Change password'}</button>
      </form>
      <p role="status" class="outcome" data-testid="password-outcome">{message}</p>
    </Section>
  );
}
