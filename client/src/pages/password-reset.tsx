import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AuthAnswers, passwordResetBody, passwordResetConfirmBody } from '../../../shared/schemas/index.js';
import { api, auth, setCsrfToken, type BodyOf } from '../api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { NoMailSent } from '../no-mail-notice.js';
import { useSession } from '../session.js';

/** Asking for a reset link: the answer is the same whether or not an account has the address. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<AuthAnswers['passwordReset'] | null>(null);
  const { busy, errors, formError, submit } = useSubmit(
    () => api.post<AuthAnswers['passwordReset'], BodyOf<typeof passwordResetBody>>('/api/auth/password-reset', { email }),
    setSent,
  );
  return (
    <main class="narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <p>Give the e-mail address of your account, and we will send it a link to choose a new password.</p>
      <form onSubmit={submit} noValidate>
        <Field id="email" label="E-mail address" type="email" value={email} onInput={setEmail} autoComplete="email" required error={errors.email} />
        <FormError>{formError}</FormError>
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Sending…' : 'Send me a link'}</button>
      </form>
      <p role="status" data-testid="forgot-status">
        {sent?.outbox
          ? <NoMailSent outbox={sent.outbox} what="if an account has this address, the link to choose a new password (it works once, for an hour)" />
          : sent ? 'If an account has this address, a link to choose a new password is on its way. It works once, for an hour.' : ''}
      </p>
      <p><a href="/signin">Back to sign in</a></p>
    </main>
  );
}

/**
 * The page a reset link opens: the token is in its path, which the server serves with
 * `Referrer-Policy: no-referrer`, so neither this page's requests nor its links carry it away.
 */
export function ResetPasswordPage({ token }: { token: string }) {
  const { setUser } = useSession();
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, errors, formError, submit } = useSubmit(
    () => api.post<void, BodyOf<typeof passwordResetConfirmBody>>('/api/auth/password-reset/confirm', { token, password }),
    () => {
      // Every session of the account ended, this browser's too if it was signed in as them.
      setCsrfToken(null);
      void auth.me().then(setUser, () => setUser(null));
      setDone(true);
    },
  );
  if (done) {
    return (
      <main class="narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Your password is changed</h1>
        <p role="status">Your new password works now, and every device that was signed in to your account has been signed out.</p>
        <p><a href="/signin">Sign in with your new password</a></p>
      </main>
    );
  }
  return (
    <main class="narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <form onSubmit={submit} noValidate>
        <Field id="password" label="New password" type="password" value={password} onInput={setPassword} autoComplete="new-password" required
          hint="At least 10 characters. Every device signed in to your account will be signed out." error={errors.password} />
        <FormError>{formError}</FormError>
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Set the new password'}</button>
      </form>
      {formError && <p><a href="/forgot-password">Ask for a new link</a></p>}
    </main>
  );
}

/** The password-reset pages by path (`/forgot-password`, `/reset/:token`), or null for other paths. */
export function passwordResetRoute(path: string): JSX.Element | null {
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  const m = /^\/reset\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  return m ? <ResetPasswordPage key={m[1]} token={m[1]!} /> : null;
}
