// A moderator's controls for a whole thread on its page: remove (with a reason), restore, and purge
// (after a confirmation), with the same reason forms as the post controls.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Thread } from '../../shared/schemas/index.js';
import { ReasonForm, RemovalNote } from './mod-actions.js';
import { modApi } from './mod-api.js';

const NOTICE = { removed: 'Thread removed: only moderators can see it now.', restored: 'Thread restored: everyone can see it again.', purged: 'Thread purged for good.' } as const;

export function ThreadModActions({ thread, onChanged }: { thread: Thread; onChanged(t: Thread): void }) {
  const [mode, setMode] = useState<'none' | 'remove' | 'purge'>('none');
  const [notice, setNotice] = useState<keyof typeof NOTICE | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);

  const done = (kind: keyof typeof NOTICE, t: Thread) => {
    setMode('none');
    setError(null);
    setNotice(kind);
    onChanged(t);
  };
  const restore = async () => {
    if (busy) return;
    setBusy(true);
    try {
      done('restored', await modApi.restoreThread(thread.id));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="thread-mod" aria-label="Moderate this thread" data-testid="thread-mod">
      {thread.removal && <RemovalNote removal={thread.removal} purged={thread.purged} />}
      {notice && <p class="mod-notice" role="status" tabIndex={-1} ref={noticeRef}>{NOTICE[notice]}</p>}
      {error && <p class="form-error" role="alert">{error}</p>}
      {mode === 'none' && !thread.purged && (
        <div class="actions">
          {thread.removal
            ? <button type="button" class="secondary" disabled={busy} onClick={() => void restore()}>Restore thread</button>
            : <button type="button" class="secondary" aria-expanded="false" onClick={() => setMode('remove')}>Remove thread</button>}
          <button type="button" class="secondary danger-text" aria-expanded="false" onClick={() => setMode('purge')}>Purge thread</button>
        </div>
      )}
      {mode === 'remove' && (
        <ReasonForm idPrefix={`thread-${thread.id}-remove`} legend="Remove this thread" submitLabel="Remove thread" busyLabel="Removing…"
          onCancel={() => setMode('none')}
          send={async (reason) => done('removed', await modApi.removeThread(thread.id, reason))}>
          <p role="note">The title and every post disappear for everyone but moderators, at once. You can restore it.</p>
        </ReasonForm>
      )}
      {mode === 'purge' && (
        <ReasonForm idPrefix={`thread-${thread.id}-purge`} legend="Purge this thread for good" submitLabel="Purge thread permanently" busyLabel="Purging…" danger
          initial={{ canned: 'personal data', details: '' }}
          onCancel={() => setMode('none')}
          send={async (reason) => {
            await modApi.purgeThread(thread.id, reason);
            done('purged', await modApi.getThread(thread.id));
          }}>
          <p class="purge-warning" role="note">
            <strong>This is permanent.</strong> Purging deletes the thread's title and the text of every post in it for good:
            it cannot be restored, not even by an administrator. Only tombstones and the audit entry stay.
          </p>
        </ReasonForm>
      )}
    </section>
  );
}
