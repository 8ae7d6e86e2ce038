// Moderation controls shared by the dashboard and the thread page: reasons, remove / restore /
// approve / purge for one post, and how a removal is shown to moderators (a member's flag is in
// flag-control.tsx).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OwnRemoval, Post, Removal } from '../../shared/schemas/index.js';
import { Field, FormError, useSubmit } from './forms.js';
import { when } from './format.js';
import { fieldError, modApi } from './mod-api.js';

export const CANNED_REASONS = [
  { value: 'spam', label: 'Spam' },
  { value: 'harassment', label: 'Harassment' },
  { value: 'personal data', label: 'Personal data' },
  { value: 'off-topic', label: 'Off-topic' },
] as const;

const OTHER = 'other';

export interface ReasonValue { canned: string; details: string }

/** The reason as the API receives it: the canned reason, then the free text after a colon. */
export function reasonText(v: ReasonValue): string {
  const details = v.details.trim();
  if (v.canned === OTHER) return details;
  return details ? `${v.canned}: ${details}` : v.canned;
}

/** Checks a reason in the page; the errors go next to the control they concern. */
export function checkReason(v: ReasonValue): string {
  if (!v.canned) throw fieldError('reason', 'Choose a reason.');
  if (v.canned === OTHER && !v.details.trim()) throw fieldError('details', 'Describe the reason.');
  return reasonText(v);
}

/** Moves focus to an element once it is on screen (for forms that open and notices that appear). */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

interface ReasonPickerProps {
  idPrefix: string;
  value: ReasonValue;
  onChange(v: ReasonValue): void;
  errors: Record<string, string | undefined>;
  autoFocus?: boolean;
}

/** A select of canned reasons plus free text (required when the reason is "Other"); sits in a fieldset. */
export function ReasonPicker(p: ReasonPickerProps) {
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (p.autoFocus) select.current?.focus();
  }, []);
  const id = `${p.idPrefix}-reason`;
  const error = p.errors.reason;
  return (
    <div class="reason-picker">
      <div class={`field${error ? ' has-error' : ''}`}>
        <label for={id}>Reason</label>
        <select id={id} name={id} ref={select} value={p.value.canned} required
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => p.onChange({ ...p.value, canned: (e.currentTarget as HTMLSelectElement).value })}>
          <option value="">Choose a reason…</option>
          {CANNED_REASONS.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
          <option value={OTHER}>Other (describe it below)</option>
        </select>
        {error && <p class="field-error" id={`${id}-error`} role="alert">{error}</p>}
      </div>
      <Field id={`${p.idPrefix}-details`} label="Details" maxLength={400}
        hint={p.value.canned === OTHER ? 'Required: say what is wrong.' : 'Optional. Kept in the audit log.'}
        value={p.value.details} onInput={(details) => p.onChange({ ...p.value, details })} error={p.errors.details} />
    </div>
  );
}

interface ReasonFormProps {
  idPrefix: string;
  legend: string;
  submitLabel: string;
  busyLabel: string;
  danger?: boolean;
  initial?: ReasonValue;
  children?: ComponentChildren;
  send(reason: string): Promise<void>;
  onCancel(): void;
}

/** A small inline form asking for a reason; Escape or Cancel closes it. */
export function ReasonForm(p: ReasonFormProps) {
  const [value, setValue] = useState<ReasonValue>(p.initial ?? { canned: '', details: '' });
  const { busy, errors, formError, submit } = useSubmit(async () => p.send(checkReason(value)), () => {});
  return (
    <form class="mod-form" onSubmit={submit} noValidate
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          p.onCancel();
        }
      }}>
      <fieldset>
        <legend>{p.legend}</legend>
        {p.children}
        <ReasonPicker idPrefix={p.idPrefix} value={value} onChange={setValue} errors={errors} autoFocus />
        <FormError>{formError}</FormError>
        <div class="actions">
          <button type="submit" class={p.danger ? 'danger' : undefined} aria-disabled={busy || undefined}>{busy ? p.busyLabel : p.submitLabel}</button>
          <button type="button" class="secondary" onClick={p.onCancel}>Cancel</button>
        </div>
      </fieldset>
    </form>
  );
}

/** How a removal looks to moderators: who, when and why. */
export function RemovalNote({ removal, purged }: { removal?: Removal | OwnRemoval; purged?: boolean }) {
  return (
    <p class="removal-note" data-testid="removal-note">
      {removal ? (
        <>Removed{'by' in removal && <> by <strong>{removal.by.username}</strong></>} on <time dateTime={removal.at}>{when(removal.at)}</time>
          {removal.reason ? <> · Reason: {removal.reason}</> : null}</>
      ) : 'Removed.'}
      {purged && <> · Its content was purged for good.</>}
    </p>
  );
}

export type ModOutcome =
  | { kind: 'removed'; post: Post; reason: string }
  | { kind: 'restored'; post: Post }
  | { kind: 'approved'; post: Post }
  | { kind: 'purged'; post: Post | null };

interface PostModActionsProps {
  post: Post;
  idPrefix: string;
  /** The id of the element that names the post (its author line), for the buttons' descriptions. */
  describedBy?: string;
  /** Shows "Undo" next to the post right after a removal (thread page); else the parent offers it. */
  inlineUndo?: boolean;
  onOutcome(o: ModOutcome): void;
}

const OUTCOME_TEXT: Record<ModOutcome['kind'], string> = {
  removed: 'Post removed.',
  restored: 'Post restored: everyone can see it again.',
  approved: 'Post approved: everyone can see it now.',
  purged: 'Content purged for good.',
};

/**
 * Where the focus goes after an outcome. Restored or approved, the post is visible: Remove takes the
 * place of the button that was pressed (the notice, in a live region, says what happened). Removed
 * or purged, the form is gone: the notice takes the focus, with its Undo.
 */
const focusesNotice = (kind: ModOutcome['kind']) => kind === 'removed' || kind === 'purged';

/** Remove (with a reason), restore, approve (held posts) and purge (after a confirmation) for one post. */
export function PostModActions(p: PostModActionsProps) {
  const { post } = p;
  const [mode, setMode] = useState<'none' | 'remove' | 'purge'>('none');
  const [outcome, setOutcome] = useState<ModOutcome['kind'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = useRef(false); // a ref, not the state: two presses before a re-render send one request
  const notice = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const purgeOpener = useRef<HTMLButtonElement>(null);
  const [focusTarget, setFocusTarget] = useState<'notice' | 'remove' | 'purge' | null>(null);

  useEffect(() => {
    // Someone else restored or changed the post meanwhile: "Post removed." no longer holds.
    // (An updater: our own Undo may have set "restored" since this render.)
    if (post.status !== 'removed') setOutcome((o) => (o === 'removed' ? null : o));
  }, [post.status]);

  useEffect(() => {
    if (focusTarget === 'notice') notice.current?.focus();
    if (focusTarget === 'remove') opener.current?.focus();
    if (focusTarget === 'purge') purgeOpener.current?.focus();
    if (focusTarget) setFocusTarget(null);
  }, [focusTarget]);

  const done = (o: ModOutcome) => {
    setMode('none');
    setError(null);
    setOutcome(o.kind);
    setFocusTarget(focusesNotice(o.kind) ? 'notice' : 'remove');
    p.onOutcome(o);
  };
  const run = async (action: () => Promise<ModOutcome>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      done(await action());
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  const restore = () => run(async () => ({ kind: 'restored', post: await modApi.restorePost(post.id) }));
  const approve = () => run(async () => ({ kind: 'approved', post: await modApi.approvePost(post.id) }));
  const cancel = (which: 'remove' | 'purge') => {
    setMode('none');
    setFocusTarget(which);
  };

  const undoable = p.inlineUndo && outcome === 'removed' && post.status === 'removed' && !post.purged;
  const d = p.describedBy;
  const noticeEl = outcome && (
    <div class="mod-notice" tabIndex={-1} ref={notice}>
      <span>{OUTCOME_TEXT[outcome]}</span>
      {undoable && <button type="button" class="secondary" aria-disabled={busy || undefined} aria-describedby={d} onClick={() => void restore()}>Undo</button>}
    </div>
  );
  return (
    <div class="mod-actions" data-testid="mod-actions">
      {/* A notice that takes the focus (removed, purged) is read as it takes it, so it stays out of the live
          region, which would read it a second time. The live region is there before its notice, so a first
          "restored" or "approved", whose focus goes to Remove, is announced too.
          Buttons are aria-disabled while busy: a disabled one would drop the keyboard's focus to the page. */}
      <div role="status">{outcome && !focusesNotice(outcome) && noticeEl}</div>
      {outcome && focusesNotice(outcome) && noticeEl}
      {error && <p class="form-error" role="alert">{error}</p>}
      {mode === 'none' && !post.purged && (
        <div class="actions">
          {post.status !== 'removed' && (
            <button type="button" class="secondary" ref={opener} aria-expanded="false" aria-describedby={d} onClick={() => setMode('remove')}>Remove</button>
          )}
          {post.status === 'held' && <button type="button" class="secondary" aria-disabled={busy || undefined} aria-describedby={d} onClick={() => void approve()}>Approve</button>}
          {post.status === 'removed' && !undoable && (
            <button type="button" class="secondary" aria-disabled={busy || undefined} aria-describedby={d} onClick={() => void restore()}>Restore</button>
          )}
          <button type="button" class="secondary danger-text" ref={purgeOpener} aria-expanded="false" aria-describedby={d} onClick={() => setMode('purge')}>Purge</button>
        </div>
      )}
      {mode === 'remove' && (
        <ReasonForm idPrefix={`${p.idPrefix}-remove`} legend="Remove this post" submitLabel="Remove post" busyLabel="Removing…"
          onCancel={() => cancel('remove')}
          send={async (reason) => done({ kind: 'removed', post: await modApi.removePost(post.id, reason), reason })} />
      )}
      {mode === 'purge' && (
        <ReasonForm idPrefix={`${p.idPrefix}-purge`} legend="Purge this post for good" submitLabel="Purge permanently" busyLabel="Purging…" danger
          initial={{ canned: 'personal data', details: '' }}
          onCancel={() => cancel('purge')}
          send={async (reason) => {
            await modApi.purgePost(post.id, reason);
            done({ kind: 'purged', post: await modApi.getPost(post.id).catch(() => null) });
          }}>
          <p class="purge-warning" role="note">
            <strong>This is permanent.</strong> Purging deletes the post's text from Agora for good: it cannot be restored,
            not even by an administrator. Only a tombstone and the audit entry stay. Use it for leaked personal data.
          </p>
        </ReasonForm>
      )}
    </div>
  );
}
