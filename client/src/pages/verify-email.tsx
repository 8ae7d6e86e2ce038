import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AuthAnswers, verifyEmailBody } from '../../../shared/schemas/index.js';
import { api, ApiFailure, type BodyOf } from '../api.js';
import { useSession } from '../session.js';
import { NoMailSent } from '../no-mail-notice.js';

/**
 * "Send me a new link" for the signed-in member, with its outcome in a status line: used on the
 * verification page, the account page and the composer.
 */
export function ResendVerification({ idPrefix }: { idPrefix: string }) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ComponentChildren>('');
  // A ref, not the state: two presses before a re-render still send one link.
  const sending = useRef(false);
  const resend = async () => {
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setOutcome('');
    try {
      const { outbox } = await api.post<AuthAnswers['verifyResend']>('/api/auth/verify-email/resend');
      setOutcome(outbox
        ? <NoMailSent outbox={outbox} what="the new link (it works once, for 7 days)" />
        : 'A new link is on its way to your e-mail address. It works once, for 7 days.');
    } catch (err) {
      setOutcome(err instanceof ApiFailure ? err.message : 'Something went wrong; please try again.');
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };
  return (
    <div class="resend-verification">
      {/* aria-disabled while sending: the button stays where the keyboard left it. */}
      <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void resend()} data-testid={`${idPrefix}-resend`}>
        {busy ? 'Sending…' : 'Send me a new link'}
      </button>
      <p role="status" class="outcome" data-testid={`${idPrefix}-resend-outcome`}>{outcome}</p>
    </div>
  );
}

/**
 * The page a verification link opens: the token is in its path, which the server serves with
 * `Referrer-Policy: no-referrer`. It posts the token once and says what happened.
 */
export function VerifyEmailPage({ token }: { token: string }) {
  const { user, setUser } = useSession();
  const [state, setState] = useState<'working' | 'verified' | 'invalid' | 'failed'>('working');
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current) return;
    asked.current = true;
    api.post<AuthAnswers['me'], BodyOf<typeof verifyEmailBody>>('/api/auth/verify-email', { token }).then((r) => {
      setState('verified');
      // Only when this browser is signed in as that account (a link may be opened anywhere).
      if (user && user.id === r.user.id) setUser(r.user);
    }, (err) => setState(err instanceof ApiFailure && err.code === 'invalid_token' ? 'invalid' : 'failed'));
  }, [token]);

  return (
    <main class="narrow" aria-labelledby="verify-title" aria-busy={state === 'working' || undefined}>
      <h1 id="verify-title">{state === 'verified' ? 'Your e-mail address is confirmed' : 'Confirm your e-mail address'}</h1>
      <div role="status" data-testid="verify-status">
        {state === 'working' && <p>Confirming your address…</p>}
        {state === 'verified' && <p>Thank you: your e-mail address is verified.</p>}
        {state === 'invalid' && <p>This link does not work any more: it was used already, has expired (links work for 7 days), or was replaced by a newer one.</p>}
        {state === 'failed' && <p>Something went wrong; please open the link again in a moment.</p>}
      </div>
      {state === 'invalid' && (user
        ? (user.emailVerified ? <p>Your address is already verified: there is nothing more to do.</p> : <ResendVerification idPrefix="verify" />)
        : <p><a href="/signin">Sign in</a> to have a new link sent to you.</p>)}
      {state === 'verified' && <p><a href="/">Go to the forums</a></p>}
    </main>
  );
}

/** The verification page by path (`/verify/:token`), or null for other paths. */
export function verifyEmailRoute(path: string): JSX.Element | null {
  const m = /^\/verify\/([A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64})$/.exec(path);
  return m ? <VerifyEmailPage key={m[1]} token={m[1]!} /> : null;
}
