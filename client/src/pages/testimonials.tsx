import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { OwnTestimonial, PublicTestimonial } from '../../../shared/schemas/index.js';
import { ApiFailure } from '../api.js';
import { testimonialApi, testimonialState } from '../account-api.js';
import { Field, FormError, useSubmit } from '../forms.js';
import { errorText, when } from '../format.js';
import { useSession } from '../session.js';
import { PiiConfirm, usePiiAcknowledgement } from '../pii-view.js';
import { CurationSection } from '../testimonial-curation.js';
import '../account.css';

/** The testimonials page by path (`/testimonials`), or null for other paths. */
export function testimonialsRoute(path: string): JSX.Element | null {
  if (path === '/testimonials' || path === '/testimonials/') return <TestimonialsPage />;
  return null;
}

const invalid = (field: string, message: string) => new ApiFailure(400, 'validation_failed', message, { field });
const MAX = 1000;

const STATE_LABEL = {
  draft: 'Draft: not published',
  consented: 'Consent given: waiting for an administrator to feature it',
  published: 'Published',
} as const;

function TestimonialsPage() {
  const { user } = useSession();
  const [items, setItems] = useState<PublicTestimonial[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const isAdmin = user?.can?.administer === true;
  const loadPublic = () => testimonialApi.list().then((list) => { setItems(list); setProblem(null); }, (e) => setProblem(errorText(e)));
  useEffect(() => void loadPublic(), []);

  return (
    <main class="testimonials-page" aria-labelledby="testimonials-title">
      <h1 id="testimonials-title">Testimonials</h1>
      <section class="account-section" aria-labelledby="public-title" data-testid="public-testimonials">
        <h2 id="public-title">What members say</h2>
        {problem && <p class="form-error" role="alert">{problem}</p>}
        {!items ? !problem && <p aria-busy="true">Loading…</p> : items.length === 0 ? <p>No testimonials are published yet.</p> : (
          <ul class="quotes">
            {items.map((t) => (
              <li key={t.id} data-testid="public-testimonial">
                <figure class="quote">
                  <blockquote><p>{t.text}</p></blockquote>
                  <figcaption>{t.name}{t.title ? `, ${t.title}` : ''}</figcaption>
                </figure>
              </li>
            ))}
          </ul>
        )}
        <p class="meta">Each testimonial is published only with its author's consent to exactly this text, and comes off this page the moment they withdraw it.</p>
      </section>
      {user ? <MineSection onPublicChange={loadPublic} key={user.id} /> : (
        <p data-testid="testimonials-signin"><a href="/signin?next=/testimonials">Sign in</a> to write a testimonial of your own.</p>
      )}
      {isAdmin && <CurationSection onPublicChange={loadPublic} />}
    </main>
  );
}

function MineSection({ onPublicChange }: { onPublicChange(): Promise<unknown> }) {
  const [mine, setMine] = useState<OwnTestimonial[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [text, setText] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => void testimonialApi.mine().then(setMine, (e) => setProblem(errorText(e))), []);

  const pii = usePiiAcknowledgement();
  const { busy, errors, formError, submit } = useSubmit(async () => {
    setMessage('');
    if (!text.trim()) throw invalid('text', 'Write a few words first.');
    return pii.guard((ack) => testimonialApi.submit(text, ack));
  }, (t) => {
    setText('');
    setMine((list) => [t, ...(list ?? [])]);
    setMessage('Saved as a draft. It is not published: give your consent below when you are ready.');
  });

  const changed = (t: OwnTestimonial) => {
    setMine((list) => (list ?? []).map((x) => (x.id === t.id ? t : x)));
    void onPublicChange();
  };
  const removed = (id: string) => {
    setMine((list) => (list ?? []).filter((x) => x.id !== id));
    setMessage('Testimonial deleted.');
    heading.current?.focus();
    void onPublicChange();
  };

  return (
    <section class="account-section" aria-labelledby="mine-title" data-testid="my-testimonials">
      <h2 id="mine-title" tabIndex={-1} ref={heading}>Your testimonials</h2>
      <form onSubmit={submit} noValidate class="testimonial-form">
        <Field id="testimonial-text" label="Write a testimonial" value={text} onInput={setText} multiline rows={4} maxLength={MAX} required
          hint={`Up to ${MAX} characters. Nothing is published until you agree to it, and an administrator chooses what is featured.`} error={errors.text} />
        <FormError>{formError}</FormError>
        {pii.pending && <PiiConfirm findings={pii.pending} busy={busy} onConfirm={() => { pii.accept(); void submit(); }} />}
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Save testimonial'}</button>
      </form>
      <p role="status" class="outcome" data-testid="mine-outcome">{message}</p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      {mine && mine.length > 0 && (
        <ul class="data-items">
          {mine.map((t) => <OwnCard key={t.id} t={t} onChange={changed} onDeleted={removed} />)}
        </ul>
      )}
    </section>
  );
}

/** The card's first action: Withdraw consent once consent is given, else Edit. */
const FIRST_ACTION = ':scope > .actions > button';

function OwnCard({ t, onChange, onDeleted }: { t: OwnTestimonial; onChange(t: OwnTestimonial): void; onDeleted(id: string): void }) {
  const [mode, setMode] = useState<'view' | 'edit' | 'delete'>('view');
  const [message, setMessage] = useState('');
  const state = testimonialState(t);
  const card = useRef<HTMLLIElement>(null);
  /** The control (a selector in the card) that takes the keyboard's focus once the one that had it is gone. */
  const [focusNext, setFocusNext] = useState<string | null>(null);

  useEffect(() => {
    if (mode === 'delete') card.current?.querySelector<HTMLElement>('.confirm-panel h4')?.focus();
  }, [mode]);
  useEffect(() => {
    if (!focusNext) return;
    setFocusNext(null);
    // Only if the focus went with the control: someone who moved on while it worked keeps their place.
    const active = document.activeElement;
    if (!active || active === document.body) card.current?.querySelector<HTMLElement>(focusNext)?.focus();
  }, [focusNext]);

  // Consent given or withdrawn, the button pressed (or the consent form) is gone: the first action
  // takes its place, Withdraw consent or Edit (the outcome, a live region, says what happened).
  const done = (next: OwnTestimonial, text: string) => {
    onChange(next);
    setMessage(text);
    setFocusNext(FIRST_ACTION);
  };

  const withdraw = useSubmit(() => testimonialApi.withdraw(t.id), (next) => done(next, 'Consent withdrawn. The testimonial is no longer published.'));
  const del = useSubmit(() => testimonialApi.remove(t.id), () => onDeleted(t.id));

  return (
    <li class={`data-item testimonial ${state}`} data-testid="my-testimonial" ref={card}>
      <p class="meta">
        <span class={`status-badge ${state}`} data-testid="testimonial-state">{STATE_LABEL[state]}</span>
        {' · '}written {when(t.createdAt)}{t.updatedAt !== t.createdAt ? `, changed ${when(t.updatedAt)}` : ''}
      </p>
      {mode === 'edit' ? (
        <EditForm t={t} onDone={(next) => {
          if (next) done(next, t.consent && !next.consent ? 'Saved. Your consent was withdrawn because the text changed.' : 'Saved.');
          setMode('view');
          setFocusNext('.edit-button'); // saved or cancelled, focus returns to the button that opened the form
        }} />
      ) : (
        <p class="data-text">{t.text}</p>
      )}
      {t.consent && mode !== 'edit' && (
        <p class="consent-record">
          On {when(t.consent.at)} you agreed to publication of this text as
          {' '}<strong>{t.consent.name}{t.consent.title ? `, ${t.consent.title}` : ''}</strong>.
        </p>
      )}
      {/* Buttons are aria-disabled while busy: a disabled one would drop the keyboard's focus to the page. */}
      {mode === 'view' && (
        <>
          {!t.consent && <ConsentForm t={t} onDone={(next) => done(next, 'Thank you. An administrator may now feature it on the public list; you can withdraw at any time.')} />}
          <FormError>{withdraw.formError ?? del.formError}</FormError>
          <div class="actions">
            {t.consent && (
              <button type="button" class="secondary" onClick={() => void withdraw.submit()} aria-disabled={withdraw.busy || undefined}>
                {withdraw.busy ? 'Withdrawing…' : 'Withdraw consent'}
              </button>
            )}
            <button type="button" class="secondary edit-button" onClick={() => setMode('edit')}>Edit</button>
            <button type="button" class="secondary danger-text delete-button" onClick={() => setMode('delete')}>Delete</button>
          </div>
        </>
      )}
      {mode === 'delete' && (
        <div class="confirm-panel" role="group" aria-labelledby={`del-${t.id}-title`}>
          <h4 id={`del-${t.id}-title`} tabIndex={-1}>Delete this testimonial?</h4>
          <p>It is deleted for good{state === 'published' ? ' and taken off the public page at once' : ''}.</p>
          <FormError>{del.formError}</FormError>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void del.submit()} aria-disabled={del.busy || undefined}>{del.busy ? 'Deleting…' : 'Delete it'}</button>
            <button type="button" class="secondary" aria-disabled={del.busy || undefined} onClick={() => {
              if (del.running()) return;
              setMode('view');
              setFocusNext('.delete-button');
            }}>Keep it</button>
          </div>
        </div>
      )}
      <p role="status" class="outcome">{message}</p>
    </li>
  );
}

function EditForm({ t, onDone }: { t: OwnTestimonial; onDone(next: OwnTestimonial | null): void }) {
  const [text, setText] = useState(t.text);
  const id = `edit-${t.id}`;
  const pii = usePiiAcknowledgement();
  const { busy, running, errors, formError, submit } = useSubmit(async () => {
    if (!text.trim()) throw invalid('text', 'Write a few words, or delete the testimonial instead.');
    return text === t.text ? t : pii.guard((ack) => testimonialApi.edit(t.id, text, ack));
  }, onDone);
  useEffect(() => document.getElementById(id)?.focus(), []);
  return (
    <form onSubmit={submit} noValidate class="edit-form">
      <Field id={id} label="Your testimonial" value={text} onInput={setText} multiline rows={4} maxLength={MAX} required error={errors.text}
        hint={t.consent ? 'Saving a changed text withdraws your consent and takes it off the public page; you can agree again to the new text.' : undefined} />
      <FormError>{formError}</FormError>
      {pii.pending && <PiiConfirm findings={pii.pending} busy={busy} onConfirm={() => { pii.accept(); void submit(); }} />}
      <div class="actions">
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" class="secondary" aria-disabled={busy || undefined} onClick={() => {
          if (!running()) onDone(null);
        }}>Cancel</button>
      </div>
    </form>
  );
}

function ConsentForm({ t, onDone }: { t: OwnTestimonial; onDone(next: OwnTestimonial): void }) {
  const [agree, setAgree] = useState(false);
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const base = `consent-${t.id}`;
  const pii = usePiiAcknowledgement();
  const { busy, errors, formError, submit } = useSubmit(async () => {
    if (!agree) throw invalid('agree', 'Tick the box to agree, or leave this testimonial unpublished.');
    if (!name.trim()) throw invalid('name', 'Enter the name to publish it with.');
    return pii.guard((ack) => testimonialApi.consent(t.id, name.trim(), title.trim(), ack));
  }, onDone);
  return (
    <form onSubmit={submit} noValidate class="consent-form">
      <fieldset>
        <legend>Publish this testimonial?</legend>
        <p class="hint">Only with your consent, only this exact text, and only until you withdraw it.</p>
        <Field id={`${base}-name`} label="Your name as published" value={name} onInput={setName} maxLength={80} required
          hint='For example "Ada L."' error={errors.name} />
        <Field id={`${base}-title`} label="Your title (optional)" value={title} onInput={setTitle} maxLength={120}
          hint='For example "Engineer, Example Ltd"' error={errors.title} />
        <div class={`field checkbox${errors.agree ? ' has-error' : ''}`}>
          <label for={`${base}-agree`}>
            <input type="checkbox" id={`${base}-agree`} checked={agree} onChange={(e) => setAgree(e.currentTarget.checked)}
              aria-invalid={errors.agree ? true : undefined} aria-describedby={errors.agree ? `${base}-agree-error` : undefined} />
            {' '}I agree that Agora may publish this text with my name and title
          </label>
          {errors.agree && <p class="field-error" id={`${base}-agree-error`} role="alert">{errors.agree}</p>}
        </div>
        <FormError>{formError}</FormError>
        {pii.pending && <PiiConfirm findings={pii.pending} busy={busy} onConfirm={() => { pii.accept(); void submit(); }} />}
        <button type="submit" aria-disabled={busy || undefined}>{busy ? 'Saving…' : 'Give consent'}</button>
      </fieldset>
    </form>
  );
}
