import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PiiFinding, PiiType } from '../../shared/pii/index.js';
import type { ForumAnswers } from '../../shared/schemas/index.js';
import { api, ApiFailure } from './api.js';
import { FindingsList, Highlighted, PUBLIC_NOTICE } from './pii-view.js';

// The detector (with libphonenumber's metadata, most of the app's code) is its own chunk, fetched
// when a composer first appears: readers who never write do not download it. Until it arrives
// nothing is highlighted, and the server still answers an unacknowledged post with 422 and its
// findings, which opens the same confirmation dialog.
type Detector = typeof import('../../shared/pii/index.js').detectPii;
let detector: Detector | null = null;
let loading: Promise<Detector> | null = null;
const loadDetector = (): Promise<Detector> =>
  (loading ??= import('../../shared/pii/index.js').then((m) => (detector = m.detectPii), (err: unknown) => {
    loading = null; // a later composer tries again
    throw err;
  }));

function useDetector(): Detector | null {
  // Wrapped: a function given to useState is taken as its initializer, not as the state.
  const [detect, setDetect] = useState<Detector | null>(() => detector);
  useEffect(() => {
    if (!detect) loadDetector().then((d) => setDetect(() => d), () => {});
  }, []);
  return detect;
}

export interface ComposerProps {
  idPrefix: string;
  label: string;
  submitLabel: string;
  withTitle?: boolean;
  initialBody?: string;
  /** Sends the draft; throws ApiFailure (422 with findings) when acknowledgement is needed. */
  send(draft: { title?: string; body: string; acknowledgePii: PiiType[] }): Promise<void>;
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
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [confirm, setConfirm] = useState<PiiFinding[] | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const detect = useDetector();
  // The server's reading: titles as written, the body as its rendered post will show it.
  const bodyFindings = useMemo(() => (detect ? detect(body, undefined, 'markdown') : []), [detect, body]);
  const findings = useMemo(() => (detect ? [...(p.withTitle ? detect(title, undefined, 'plain') : []), ...bodyFindings] : []), [detect, title, bodyFindings, p.withTitle]);

  useEffect(() => {
    if (!body.trim()) {
      setPreview('');
      return;
    }
    const t = setTimeout(() => {
      api.post<ForumAnswers['preview']>('/api/preview', { body }).then((r) => setPreview(r.html), () => {});
    }, 250);
    return () => clearTimeout(t);
  }, [body]);

  useEffect(() => {
    if (confirm && dialog.current && !dialog.current.open) dialog.current.showModal();
    if (!confirm && dialog.current?.open) dialog.current.close();
  }, [confirm]);

  const send = async (acknowledgePii: PiiType[]) => {
    setBusy(true);
    setError(null);
    try {
      await p.send({ ...(p.withTitle ? { title } : {}), body, acknowledgePii });
      setConfirm(null);
      setTitle('');
      setBody('');
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'pii_unacknowledged') {
        setConfirm((err.details.findings as PiiFinding[] | undefined) ?? findings);
      } else if (err instanceof ApiFailure) {
        setConfirm(null);
        setError({ field: err.field, message: err.message });
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
  const blocked = (confirm ?? []).some((f) => f.severity === 'block');
  const sensitive = (confirm ?? []).some((f) => f.severity === 'sensitive');
  const id = (s: string) => `${p.idPrefix}-${s}`;

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
          <FindingsList findings={findings} />
          {bodyFindings.length > 0 && <Highlighted text={body} findings={bodyFindings} />}
        </div>
      )}
      {error && <p class="form-error" id={id('error')} role="alert">{error.message}</p>}
      <div class="actions">
        <button type="submit" disabled={busy}>{busy ? 'Posting…' : p.submitLabel}</button>
        {p.onCancel && <button type="button" class="secondary" onClick={p.onCancel}>Cancel</button>}
      </div>

      <dialog ref={dialog} class="pii-dialog" aria-labelledby={id('dialog-title')} onCancel={() => setConfirm(null)}>
        <h2 id={id('dialog-title')}>Personal data in your post</h2>
        <p>{PUBLIC_NOTICE} We found:</p>
        <FindingsList findings={confirm ?? []} />
        <div class="actions">
          {!blocked && !sensitive && <button type="button" onClick={() => void send(types)} disabled={busy}>Post anyway</button>}
          {!blocked && sensitive && <button type="button" onClick={() => void send(types)} disabled={busy}>Mask and post</button>}
          <button type="button" class="secondary" onClick={() => { setConfirm(null); document.getElementById(id('body'))?.focus(); }}>Go back and edit</button>
        </div>
      </dialog>
    </form>
  );
}
