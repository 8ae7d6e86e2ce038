// E-mail notifications (issue 19, item 5): mentions, watched threads and a digest, each e-mail
// with a one-click unsubscribe of its own; saved with PATCH /api/me/preferences. None is sent to an
// address its owner has not confirmed, which this section says, with the way to confirm it.
import { useEffect, useState } from 'preact/hooks';
import type { Preferences } from '../../../shared/schemas/notifications.js';
import { errorText } from '../format.js';
import { FormError, useSubmit } from '../forms.js';
import { notificationApi } from '../notifications/api.js';
import { ResendVerification } from '../pages/verify-email.js';
import { useSession } from '../session.js';
import { Section } from './section.js';

const DIGESTS: Record<Preferences['digest'], string> = { off: 'No digest', daily: 'Daily', weekly: 'Weekly' };

export function NotificationEmailSection() {
  const { user } = useSession();
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    notificationApi.preferences().then(setPrefs, (e) => setLoadError(errorText(e)));
  }, []);
  const { busy, formError, submit } = useSubmit(async () => {
    setMessage('');
    return notificationApi.savePreferences(prefs!);
  }, (saved) => {
    setPrefs(saved);
    setMessage('Your e-mail settings are saved.');
  });
  const change = (p: Partial<Preferences>) => {
    setPrefs((old) => old && { ...old, ...p });
    setMessage('');
  };
  return (
    <Section id="notification-email" title="E-mail notifications">
      <p>What Agora e-mails you about. An e-mail goes out only if you have not seen the notification here
        within a few minutes, and each one has a link that stops that kind of e-mail at once.</p>
      {user && !user.emailVerified && (
        <div data-testid="notification-email-unverified">
          <p><strong>Agora sends you no notification e-mail and no digest until you confirm your e-mail
            address</strong>: follow the link we e-mailed to it, or have a new one sent.</p>
          <ResendVerification idPrefix="notification-email" />
        </div>
      )}
      {loadError && <p class="form-error" role="alert">{loadError}</p>}
      {!prefs ? (!loadError && <p aria-busy="true">Loading your e-mail settings…</p>) : (
        <form onSubmit={submit} noValidate>
          <div class="field">
            <label class="check">
              <input type="checkbox" name="emailOnMention" checked={prefs.emailOnMention} onChange={(e) => change({ emailOnMention: e.currentTarget.checked })} />
              E-mail me when someone mentions me
            </label>
          </div>
          <div class="field">
            <label class="check">
              <input type="checkbox" name="emailOnWatched" checked={prefs.emailOnWatched} onChange={(e) => change({ emailOnWatched: e.currentTarget.checked })} />
              E-mail me about new posts in threads I watch
            </label>
          </div>
          <div class="field">
            <label for="digest">Digest of the most active threads</label>
            <p class="hint" id="digest-hint">One e-mail with the busiest threads you may read, if there were any.</p>
            <select id="digest" name="digest" aria-describedby="digest-hint" value={prefs.digest}
              onChange={(e) => change({ digest: e.currentTarget.value as Preferences['digest'] })}>
              {(Object.keys(DIGESTS) as Preferences['digest'][]).map((d) => <option key={d} value={d}>{DIGESTS[d]}</option>)}
            </select>
          </div>
          <FormError>{formError}</FormError>
          <div class="actions">
            <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Save e-mail settings'}</button>
          </div>
        </form>
      )}
      <p role="status" class="outcome" data-testid="notification-email-outcome">{message}</p>
    </Section>
  );
}
