import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from './session.js';

/** `/r/:code`: the server has already remembered the code for this visitor's sign-up. */
export function LandingPage() {
  const { user } = useSession();
  return (
    <main class="narrow" aria-labelledby="landing-title">
      <h1 id="landing-title">You're invited to Agora</h1>
      <p>
        A member of Agora invited you to join its community: forums where customers ask, answer and help each other,
        and where every post is checked for personal data before it goes public.
      </p>
      {user ? (
        <p>You are already signed in as <strong>{user.username}</strong>. <a href="/">Go to the forums</a></p>
      ) : (
        <>
          <p><a class="button-link" href="/signup">Create your account</a></p>
          <p>Already a member? <a href="/signin">Sign in</a></p>
          <p class="hint">If you sign up, the member who invited you sees that one more person joined through their link, never who.</p>
        </>
      )}
    </main>
  );
}

type OptOutState = 'ready' | 'busy' | 'done' | 'invalid' | 'failed';

/** `/unsubscribe/:token`: the link from an invite. Nothing happens until the button is pressed. */
export function OptOutPage({ token }: { token: string }) {
  const [state, setState] = useState<OptOutState>('ready');
  const sending = useRef(false); // a ref, not the state: two presses before a re-render send one request
  const heading = useRef<HTMLHeadingElement>(null);
  // Done, or the link refused, the button is gone and the page is its answer: the heading takes the
  // keyboard's focus, and the answer is announced by its live region (not focused too: read once).
  useEffect(() => {
    if (state !== 'done' && state !== 'invalid') return;
    const active = document.activeElement;
    if (!active || active === document.body) heading.current?.focus();
  }, [state]);
  const optOut = async () => {
    if (sending.current) return;
    sending.current = true;
    setState('busy');
    try {
      // The same one-click request a mail provider makes (RFC 8058): no session, no CSRF token.
      const res = await fetch(`/unsubscribe/${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        credentials: 'omit',
      });
      setState(res.ok ? 'done' : res.status === 404 ? 'invalid' : 'failed');
    } catch {
      setState('failed');
    } finally {
      sending.current = false;
    }
  };
  return (
    <main class="narrow" aria-labelledby="optout-title">
      <h1 id="optout-title" tabIndex={-1} ref={heading}>No more invitations from Agora</h1>
      {/* There from the start, so the answer is announced when it comes. */}
      <div role="status">
        {state === 'done' && (
          <p class="notice">
            Done: Agora will not send invitations to your address again. To remember this, Agora keeps only a keyed
            fingerprint of your address, which cannot be turned back into the address.
          </p>
        )}
      </div>
      {state === 'invalid' && <p class="form-error" role="alert">This opt-out link is not valid. Please use the link exactly as it appears in the email.</p>}
      {state !== 'done' && state !== 'invalid' && (
        <>
          <p>
            Someone invited you to Agora by email. Agora did not keep your name or address. If you do not want any
            more invitations, press the button: Agora will then refuse every invitation to your address.
          </p>
          {state === 'failed' && <p class="form-error" role="alert">Agora could not record this just now. Please try again in a moment.</p>}
          {/* aria-disabled while saving: a disabled button would drop the keyboard's focus to the page. */}
          <button type="button" onClick={optOut} aria-disabled={state === 'busy' || undefined}>{state === 'busy' ? 'Saving…' : 'Stop invitations to my address'}</button>
        </>
      )}
    </main>
  );
}
