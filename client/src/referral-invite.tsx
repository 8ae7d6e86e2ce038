import { useEffect, useRef, useState } from 'preact/hooks';
import type { ReferralAnswers, referralBody } from '../../shared/schemas/index.js';
import { api, ApiFailure, type BodyOf } from './api.js';
import { Field, FormError, useSubmit } from './forms.js';
import { useSession } from './session.js';

// The form token is kept in sessionStorage until its invite is accepted, so a reload or a retry
// after a lost answer sends with the same token, and the server sends nothing twice. Only the
// token is kept: never the friend's name or address.
const storageKey = (userId: string) => `agora.invite-token.${userId}`;

async function freshToken(userId: string): Promise<string> {
  const { token } = await api.post<ReferralAnswers['token']>('/api/referrals/token');
  sessionStorage.setItem(storageKey(userId), token);
  return token;
}

/** Server answers that mean "this token is done with": the page gets a new one and says what to do. */
function explain(err: unknown): unknown {
  if (!(err instanceof ApiFailure)) return err;
  if (err.field === 'token') return new ApiFailure(err.status, err.code, 'This invite form had expired. It has been renewed: please press Send again.');
  if (err.code === 'conflict') {
    return new ApiFailure(err.status, err.code, 'This form was already used to invite someone else. It has been renewed: press Send again to invite this friend.');
  }
  if (err.code === 'rate_limited') return new ApiFailure(err.status, err.code, 'Agora limits how many invitations can be sent each day. Please try again later.');
  return err;
}

function InviteForm({ userId }: { userId: string }) {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(storageKey(userId)));
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  // After an accepted invite: where it can be read instead (the development outbox), or null once e-mailed.
  const [sent, setSent] = useState<{ outbox: string | null } | null>(null);
  const pending = useRef<Promise<ReferralAnswers['accepted']> | null>(null);

  useEffect(() => {
    if (!token) freshToken(userId).then(setToken, () => {}); // a failure shows on submit, which tries again
  }, []);

  const send = async (): Promise<ReferralAnswers['accepted']> => {
    const used = token ?? (await freshToken(userId));
    try {
      return await api.post<ReferralAnswers['accepted'], BodyOf<typeof referralBody>>('/api/referrals', { token: used, friendName: name, friendEmail: email });
    } catch (err) {
      const failure = explain(err);
      if (err instanceof ApiFailure && (err.field === 'token' || err.code === 'conflict')) {
        sessionStorage.removeItem(storageKey(userId));
        setToken(await freshToken(userId).catch(() => null));
      }
      throw failure;
    }
  };
  const { busy, errors, formError, submit } = useSubmit(
    () => (pending.current ??= send().finally(() => (pending.current = null))),
    (answer) => {
      // Accepted: this token is spent. Clear the form and prepare the next one.
      setSent({ outbox: answer.outbox ?? null });
      setName('');
      setEmail('');
      sessionStorage.removeItem(storageKey(userId));
      setToken(null);
      freshToken(userId).then(setToken, () => {});
    },
  );

  return (
    <form onSubmit={submit} noValidate aria-labelledby="invite-form-title">
      <h2 id="invite-form-title">Send one invitation by email</h2>
      <p class="promise" id="invite-promise">
        Agora sends your friend <strong>exactly one email</strong>, from Agora (not from you): it says that you invited them,
        links to Agora and lets them opt out with one click. Agora <strong>keeps neither your friend's name nor their
        address</strong>: they are used for this one email and then forgotten.
      </p>
      {sent && (sent.outbox ? (
        <p class="notice" role="status">
          Thank you! This Agora has no mail server (<code>SMTP_URL</code> is not set), so no email was sent: unless your friend
          has asked Agora not to send invitations, the invitation is in the development outbox at{' '}
          {/* target="_self": a page the server renders, not one of the web app's, so the router leaves the click to the browser. */}
          <a href={sent.outbox} target="_self">{sent.outbox}</a>.
        </p>
      ) : (
        <p class="notice" role="status">Thank you! Unless your friend has asked Agora not to send invitations, they will receive one email.</p>
      ))}
      <Field id="friendName" label="Your friend's name" value={name} onInput={(v) => { setName(v); setSent(null); }} required maxLength={64}
        autoComplete="off" hint="Used only to greet them in the email." error={errors.friendName} />
      <Field id="friendEmail" label="Your friend's e-mail address" type="email" value={email} onInput={(v) => { setEmail(v); setSent(null); }}
        required maxLength={254} autoComplete="off" hint="One address." error={errors.friendEmail} />
      <FormError>{formError ?? errors.token}</FormError>
      <button type="submit" aria-disabled={busy || undefined} aria-describedby="invite-promise">{busy ? 'Sending…' : 'Send the invitation'}</button>
    </form>
  );
}

function ReferralLink({ code }: { code: string }) {
  const link = `${location.origin}/r/${code}`;
  const [copied, setCopied] = useState<string | null>(null);
  const [signups, setSignups] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.get<ReferralAnswers['stats']>('/api/referrals/stats').then((r) => setSignups(r.signups), () => {});
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('Link copied.');
    } catch {
      // No clipboard permission: select the link so the usual copy shortcut works.
      input.current?.select();
      setCopied('Press Ctrl+C (or ⌘C) to copy the selected link.');
    }
  };

  return (
    <section class="invite-section" aria-labelledby="referral-link-title">
      <h2 id="referral-link-title">Your referral link</h2>
      <p>Share it however you like. People who sign up through it are counted for you; you see how many, never who.</p>
      <label for="referral-link">Referral link</label>
      <div class="referral-link">
        <input id="referral-link" ref={input} type="text" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="secondary" onClick={copy}>Copy link</button>
      </div>
      <p role="status" class="hint">{copied}</p>
      <p data-testid="referral-signups">
        {signups === null ? '' : signups === 0 ? 'Nobody has joined through your link yet.' : `${signups} ${signups === 1 ? 'person has' : 'people have'} joined through your link.`}
      </p>
    </section>
  );
}

export function InvitePage() {
  const { user } = useSession();
  return (
    <main class="narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">Invite a friend</h1>
      {!user ? (
        <p><a href="/signin?next=/invite">Sign in</a> to invite a friend.</p>
      ) : user.banned ? (
        <p>Your account cannot send invitations right now.</p>
      ) : (
        <>
          <section class="invite-section"><InviteForm key={user.id} userId={user.id} /></section>
          {user.referralCode && <ReferralLink code={user.referralCode} />}
        </>
      )}
    </main>
  );
}
