// A thread's subscription for the signed-in member (watching, normal, muted), saved as it is chosen.
import { useEffect, useState } from 'preact/hooks';
import type { SubscriptionLevel } from '../../../shared/schemas/notifications.js';
import { errorText } from '../format.js';
import { notificationApi } from './api.js';

// Every level, in this order (a Record, so a level the schema adds cannot be left out here).
const LEVELS: Record<SubscriptionLevel, { label: string; hint: string }> = {
  watching: { label: 'Watching', hint: 'You are notified of every new post in this thread.' },
  normal: { label: 'Normal', hint: 'You are notified only when someone mentions you here.' },
  muted: { label: 'Muted', hint: 'You are never notified about this thread, not even for mentions.' },
};

/** `level`: as the thread's first answer gave it; live thread updates carry none (they are everyone's). */
export function SubscriptionControl({ threadId, level }: { threadId: string; level: SubscriptionLevel | undefined }) {
  const [chosen, setChosen] = useState(level);
  useEffect(() => {
    if (level && !chosen) setChosen(level);
  }, [level]);
  const [saved, setSaved] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choose = async (next: SubscriptionLevel) => {
    const before = chosen;
    setChosen(next);
    setSaved('');
    setError(null);
    setBusy(true);
    try {
      const now = await notificationApi.setSubscription(threadId, next);
      setChosen(now);
      setSaved(`Saved: ${LEVELS[now].label.toLowerCase()}.`);
    } catch (e) {
      setChosen(before);
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (!chosen) return null;
  return (
    <fieldset class="subscription" data-testid="subscription" aria-busy={busy}>
      <legend>Notifications for this thread</legend>
      {(Object.keys(LEVELS) as SubscriptionLevel[]).map((l) => (
        <div class="choice-radio" key={l}>
          <input type="radio" name="subscription" id={`subscription-${l}`} value={l} checked={chosen === l}
            aria-describedby={`subscription-${l}-hint`} onChange={() => void choose(l)} />
          <div>
            <label for={`subscription-${l}`}>{LEVELS[l].label}</label>
            <p class="hint" id={`subscription-${l}-hint`}>{LEVELS[l].hint}</p>
          </div>
        </div>
      ))}
      <p role="status" class="outcome" data-testid="subscription-outcome">{saved}</p>
      {error && <p class="form-error" role="alert">{error}</p>}
    </fieldset>
  );
}
