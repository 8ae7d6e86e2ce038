import { useState } from 'preact/hooks';
import { auth } from '../api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

function afterSignIn(): void {
  const next = new URLSearchParams(location.search).get('next');
  navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
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
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
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
  const { busy, errors, formError, submit } = useSubmit(() => auth.register(username, email, password), (user) => {
    setUser(user);
    afterSignIn();
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
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create account'}</button>
      </form>
      <p>Already have an account? <a href="/signin">Sign in</a></p>
    </main>
  );
}
