import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PiiFinding, PiiType } from '../../shared/pii/index.js';
import type { ForumAnswers, previewBody } from '../../shared/schemas/index.js';
import { api, ApiFailure, type BodyOf } from './api.js';
import { FindingsList, Highlighted, PUBLIC_NOTICE } from './pii-view.js';
import { PiiDialogBody, willMask, type DraftFinding } from './pii-dialog.js';
import { ResendVerification } from './pages/verify-email.js';
import { keepFocusInDialog } from './focus-trap.js';

// The detector (with libphonenumber's metadata, most of the app's code) is its own chunk, fetched
// when a composer first appears: readers who never write do not download it. Until it arrives
// nothing is highlighted, and the server still answers an unacknowledged post with 422 and its
// findings, which opens the same confirmation dialog.
// The same chunk masks values in the dialog exactly as the server will.
type PiiModule = typeof import('../../shared/pii/index.js');
let loaded: PiiModule | null = null;
let loading: Promise<PiiModule> | null = null;
const loadPii = (): Promise<PiiModule> =>
  (loading ??= import('../../shared/pii/index.js').then((m) => (loaded = m), (err: unknown) => {
    loading = null; // a later composer tries again
    throw err;
  }));

function usePii(): PiiModule | null {
  const [pii, setPii] = useState<PiiModule | null>(loaded);
  useEffect(() => {
    if (!pii) loadPii().then(setPii, () => {});
  }, []);
  return pii;
}

export interface ComposerProps {
  idPrefix: string;
  label: string;
  submitLabel: string;
  withTitle?: boolean;
  initialBody?: string;
  /** Sends the draft; throws ApiFailure (422 with findings) when acknowledgement is needed. */
  send(draft: { title?: string; body: string; acknowledgePii: PiiType[]; maskPii: PiiType[] }): Promise<void>;
  onCancel?(): void;
}

/**
 * Markdown composer: live preview from the server (the same pipeline that publishes), personal
 * data highlighted while typing (the same detector the server runs), and a confirmation dialog
 * before anything with personal data goes public.
 */
export function Composer(p: ComposerProps) {
  const [title, setTitle] = useState('');
  const [body, setBody] = useState(p.initialBody ?? '');
  const [preview, setPreview] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string; code?: string } | null>(null);
  const [confirm, setConfirm] = useState<DraftFinding[] | null>(null);
  // Types the author chose to have masked although they would be published as written.
  const [masked, setMasked] = useState<PiiType[]>([]);
  const maskedSet = useMemo(() => new Set(masked), [masked]);
  const dialog = useRef<HTMLDialogElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const pii = usePii();
  const detect = pii?.detectPii;
  // The server's reading: titles as written, the body as its rendered post will show it.
  const bodyFindings = useMemo(() => (detect ? detect(body, undefined, 'markdown') : []), [detect, body]);
  const findings = useMemo((): DraftFinding[] => (detect ? [
    ...(p.withTitle ? detect(title, undefined, 'plain').map((f) => ({ ...f, field: 'title' as const })) : []),
    ...bodyFindings.map((f) => ({ ...f, field: 'body' as const })),
  ] : []), [detect, title, bodyFindings, p.withTitle]);
  // As the author chose: a type they mask is shown as masked.
  const asChosen = <F extends PiiFinding>(fs: F[]): F[] => fs.map((f) => (willMask(f, maskedSet) ? { ...f, severity: 'sensitive' } : f));
  // The server answers with the types masked on request as sensitive; the dialog wants them as
  // configured, so that un-choosing one shows it as written again.
  const asConfigured = (fs: DraftFinding[]): DraftFinding[] => fs.map((f) => (f.severity === 'sensitive' && masked.includes(f.type) ? { ...f, severity: 'warn' } : f));

  useEffect(() => {
    if (!body.trim()) {
      setPreview('');
      return;
    }
    const t = setTimeout(() => {
      api.post<ForumAnswers['preview'], BodyOf<typeof previewBody>>('/api/preview', { body, maskPii: masked }).then((r) => setPreview(r.html), () => {});
    }, 250);
    return () => clearTimeout(t);
  }, [body, masked]);

  useEffect(() => {
    if (confirm && dialog.current && !dialog.current.open) {
      dialog.current.showModal();
      editButton.current?.focus(); // the safe answer is the default one
    }
    if (!confirm && dialog.current?.open) dialog.current.close();
  }, [confirm]);

  const send = async (acknowledgePii: PiiType[]) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await p.send({ ...(p.withTitle ? { title } : {}), body, acknowledgePii, maskPii: masked });
      setConfirm(null);
      setTitle('');
      setBody('');
      setMasked([]);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'pii_unacknowledged') {
        setConfirm(asConfigured((err.details.findings as DraftFinding[] | undefined) ?? findings));
      } else if (err instanceof ApiFailure) {
        setConfirm(null);
        setError({ field: err.field, message: err.message, code: err.code });
      } else setError({ message: 'Something went wrong.' });
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (findings.length) setConfirm(findings);
    else void send([]);
  };

  const types = [...new Set((confirm ?? []).map((f) => f.type))];
  const id = (s: string) => `${p.idPrefix}-${s}`;
  const choose = (type: PiiType, mask: boolean) => setMasked((m) => (mask ? [...new Set([...m, type])] : m.filter((t) => t !== type)));
  // The browser hands focus back to what had it when the dialog opened. Should that be nothing
  // (the page itself), Post reply gets it: Escape returns the keyboard to where it was.
  const closed = () => {
    const active = document.activeElement;
    if (!active || active === document.body) submitButton.current?.focus();
  };
  const goBack = () => {
    setConfirm(null);
    document.getElementById(id('body'))?.focus();
  };

  return (
    <form class="composer" onSubmit={submit} noValidate>
      {p.withTitle && (
        <div class={`field${error?.field === 'title' ? ' has-error' : ''}`}>
          <label for={id('title')}>Title</label>
          <input id={id('title')} value={title} maxLength={200} required onInput={(e) => setTitle(e.currentTarget.value)}
            aria-invalid={error?.field === 'title' || undefined} aria-describedby={error?.field === 'title' ? id('error') : undefined} />
        </div>
      )}
      <div class="composer-panes">
        <div class={`field${error?.field === 'body' ? ' has-error' : ''}`}>
          <label for={id('body')}>{p.label}</label>
          <p class="hint" id={id('hint')}>Markdown works: **bold**, *italic*, `code`, [links](https://example.com), lists and tables. {PUBLIC_NOTICE}</p>
          <textarea id={id('body')} value={body} rows={8} maxLength={20000} required onInput={(e) => setBody(e.currentTarget.value)}
            aria-describedby={[id('hint'), bodyFindings.length ? id('pii') : '', error ? id('error') : ''].filter(Boolean).join(' ')}
            aria-invalid={error?.field === 'body' || undefined} />
        </div>
        <section class="preview" aria-label="Preview" aria-live="polite">
          <h3>Preview</h3>
          {/* The server's sanitized output: the same HTML publishing would store. */}
          <div class="post-body" data-testid={id('preview')} dangerouslySetInnerHTML={{ __html: preview }} />
        </section>
      </div>
      {findings.length > 0 && (
        <div class="pii-warning" id={id('pii')} role="status" data-testid={id('pii-warning')}>
          <p><strong>This draft holds personal data.</strong> {PUBLIC_NOTICE}</p>
          <FindingsList findings={asChosen(findings)} />
          {bodyFindings.length > 0 && <Highlighted text={body} findings={asChosen(bodyFindings)} />}
        </div>
      )}
      {error && <p class="form-error" id={id('error')} role="alert">{error.message}</p>}
      {/* REQUIRE_VERIFIED_EMAIL: the refusal says why; the way out is right here. */}
      {error?.code === 'email_unverified' && <ResendVerification idPrefix={id('verify')} />}
      <div class="actions">
        {/* aria-disabled, not disabled, while sending: a disabled button drops the keyboard's focus
            to the page, and the dialog a refusal opens would then give it back to nothing. */}
        <button type="submit" ref={submitButton} aria-disabled={busy || undefined}>{busy ? 'Posting…' : p.submitLabel}</button>
        {p.onCancel && <button type="button" class="secondary" onClick={p.onCancel}>Cancel</button>}
      </div>

      <dialog ref={dialog} class="pii-dialog" aria-labelledby={id('dialog-title')} onCancel={() => setConfirm(null)} onClose={closed} onKeyDown={keepFocusInDialog}>
        {confirm && (
          <PiiDialogBody idPrefix={p.idPrefix} findings={confirm} draft={{ title, body }} masked={maskedSet} onMaskChange={choose}
            mask={pii?.maskPiiAsRead ?? null} busy={busy} onPublish={() => void send(types)} onEdit={goBack} editRef={editButton} />
        )}
      </dialog>
    </form>
  );
}
