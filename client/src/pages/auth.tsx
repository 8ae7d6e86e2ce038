import { useEffect, useState } from 'preact/hooks';
import { auth } from '../api.js';
import { ensureFlash, flash } from '../account-flash.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { NoMailSent } from '../no-mail-notice.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

/** Where to go once signed in: the page that sent the visitor here, else the start page. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function afterSignIn(): void {
  navigate(nextPath());
}

export function SignInPage() {
  const { setUser } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, errors, formError, submit } = useSubmit(() => auth.login(username, password), (user) => {
    setUser(user);
    afterSignIn();
  });
  return (
    <main class="narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={submit} noValidate>
        <Field id="username" label="Username" value={username} onInput={setUsername} autoComplete="username" required error={errors.username} />
        <Field id="password" label="Password" type="password" value={password} onInput={setPassword} autoComplete="current-password" required error={errors.password} />
        <FormError>{formError}</FormError>
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p><a href="/forgot-password">Forgot your password?</a></p>
      <p>New here? <a href="/signup">Create an account</a></p>
    </main>
  );
}

export function SignUpPage() {
  const { setUser } = useSession();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  // Mounted before it is needed, so it sees the navigation that follows the sign-up.
  useEffect(() => ensureFlash(), []);
  const { busy, errors, formError, submit } = useSubmit(() => auth.register(username, email, password), ({ user, outbox }) => {
    // The verification e-mail went out with the answer: the next page says where to find it.
    const to = nextPath();
    flash(outbox
      ? <>Welcome to Agora, {user.username}! <NoMailSent outbox={outbox} what="the link to confirm your e-mail address" /></>
      : `Welcome to Agora, ${user.username}! We sent a link to ${email.trim()} to confirm your address: it works once, for 7 days.`,
    new URL(to, location.origin).pathname);
    setUser(user);
    navigate(to);
  });
  return (
    <main class="narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={submit} noValidate>
        <Field id="username" label="Username" value={username} onInput={setUsername} autoComplete="username" required maxLength={32}
          hint="3–32 letters, digits, dots, dashes or underscores. Everyone can see it." error={errors.username} />
        <Field id="email" label="E-mail address" type="email" value={email} onInput={setEmail} autoComplete="email" required
          hint="Never shown to anyone; used only for your account." error={errors.email} />
        <Field id="password" label="Password" type="password" value={password} onInput={setPassword} autoComplete="new-password" required
          hint="At least 10 characters." error={errors.password} />
        <FormError>{formError}</FormError>
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Creating…' : 'Create account'}</button>
      </form>
      <p>Already have an account? <a href="/signin">Sign in</a></p>
    </main>
  );
}
