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
  const restoring = useRef(false); // a ref, not the state: two presses before a re-render send one request
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  const purgeRef = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<'notice' | 'remove' | 'purge' | null>(null);
  useEffect(() => {
    if (focus === 'notice') noticeRef.current?.focus();
    if (focus === 'remove') removeRef.current?.focus();
    if (focus === 'purge') purgeRef.current?.focus();
    if (focus) setFocus(null);
  }, [focus]);
  /** A form cancelled: the focus goes back to the button that opened it. */
  const cancel = (opener: 'remove' | 'purge') => {
    setMode('none');
    setFocus(opener);
  };

  const done = (kind: keyof typeof NOTICE, t: Thread) => {
    setMode('none');
    setError(null);
    setNotice(kind);
    // Restored, "Remove thread" takes the place of the button pressed; after a form, the notice.
    setFocus(kind === 'restored' ? 'remove' : 'notice');
    onChanged(t);
  };
  const restore = async () => {
    if (restoring.current) return;
    restoring.current = true;
    setBusy(true);
    try {
      done('restored', await modApi.restoreThread(thread.id));
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    } finally {
      restoring.current = false;
      setBusy(false);
    }
  };

  const noticeEl = notice && <p class="mod-notice" tabIndex={-1} ref={noticeRef}>{NOTICE[notice]}</p>;
  return (
    <section class="thread-mod" aria-label="Moderate this thread" data-testid="thread-mod">
      {thread.removal && <RemovalNote removal={thread.removal} purged={thread.purged} />}
      {/* A notice that takes the focus (removed, purged) is read as it takes it, so it stays out of the
          live region, which would read it a second time. The live region is there before its notice,
          so "restored", whose focus goes to Remove thread, is announced the first time too. */}
      <div role="status">{notice === 'restored' && noticeEl}</div>
      {notice && notice !== 'restored' && noticeEl}
      {error && <p class="form-error" role="alert">{error}</p>}
      {/* Restore thread is aria-disabled while busy: a disabled button would drop the keyboard's focus to the page. */}
      {mode === 'none' && !thread.purged && (
        <div class="actions">
          {thread.removal
            ? <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => void restore()}>Restore thread</button>
            : <button type="button" class="secondary" ref={removeRef} aria-expanded="false" onClick={() => setMode('remove')}>Remove thread</button>}
          <button type="button" class="secondary danger-text" ref={purgeRef} aria-expanded="false" onClick={() => setMode('purge')}>Purge thread</button>
        </div>
      )}
      {mode === 'remove' && (
        <ReasonForm idPrefix={`thread-${thread.id}-remove`} legend="Remove this thread" submitLabel="Remove thread" busyLabel="Removing…"
          onCancel={() => cancel('remove')}
          send={async (reason) => done('removed', await modApi.removeThread(thread.id, reason))}>
          <p role="note">The title and every post disappear for everyone but moderators, at once. You can restore it.</p>
        </ReasonForm>
      )}
      {mode === 'purge' && (
        <ReasonForm idPrefix={`thread-${thread.id}-purge`} legend="Purge this thread for good" submitLabel="Purge thread permanently" busyLabel="Purging…" danger
          initial={{ canned: 'personal data', details: '' }}
          onCancel={() => cancel('purge')}
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
