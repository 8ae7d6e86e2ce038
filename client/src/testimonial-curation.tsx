// The administrators' part of the testimonials page: consented testimonials, featured or not.
import { useEffect, useState } from 'preact/hooks';
import type { ReviewTestimonial } from '../../shared/schemas/index.js';
import { testimonialApi } from './account-api.js';
import { errorText, when } from './format.js';


export function CurationSection({ onPublicChange }: { onPublicChange(): Promise<unknown> }) {
  const [items, setItems] = useState<ReviewTestimonial[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const load = () => testimonialApi.review().then(setItems, (e) => setProblem(errorText(e)));
  useEffect(() => void load(), []);

  const toggle = async (t: ReviewTestimonial) => {
    setProblem(null);
    try {
      const next = await testimonialApi.feature(t.id, !t.featured);
      setItems((list) => (list ?? []).map((x) => (x.id === t.id ? next : x)));
      const by = t.consent?.name ?? 'a member';
      setMessage(next.featured ? `Featured: the testimonial by ${by} is now on the public list.` : `No longer featured: the testimonial by ${by} is off the public list.`);
    } catch (e) {
      setProblem(errorText(e));
      void load(); // it may have lost its consent meanwhile
    }
    void onPublicChange();
  };

  return (
    <section class="account-section" aria-labelledby="curation-title" data-testid="curation">
      <h2 id="curation-title">Curation <span class="count">(administrators)</span></h2>
      <p>Testimonials whose authors consented to their current text. Featured ones appear on the public list above.</p>
      {problem && <p class="form-error" role="alert">{problem}</p>}
      <p role="status" class="outcome" data-testid="curation-outcome">{message}</p>
      <div class="actions"><button type="button" class="secondary small" onClick={() => void load()}>Refresh</button></div>
      {!items ? !problem && <p aria-busy="true">Loading…</p> : items.length === 0 ? <p>No consented testimonials yet.</p> : (
        <ul class="data-items">
          {items.map((t) => (
            <li key={t.id} class="data-item" data-testid="review-testimonial">
              <p class="meta">
                <span class={`status-badge ${t.featured ? 'published' : 'consented'}`}>{t.featured ? 'Featured' : 'Not featured'}</span>
                {' · '}consent given {t.consent ? when(t.consent.at) : ''} · author <code>{t.authorId}</code>
              </p>
              <p class="data-text">{t.text}</p>
              <p class="consent-record">Consented to publication as <strong>{t.consent?.name}{t.consent?.title ? `, ${t.consent.title}` : ''}</strong></p>
              <div class="actions">
                <button type="button" class={t.featured ? 'secondary' : ''} onClick={() => void toggle(t)}
                  aria-label={`${t.featured ? 'Stop featuring' : 'Feature'} the testimonial by ${t.consent?.name ?? 'a member'}`}>
                  {t.featured ? 'Stop featuring' : 'Feature'}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
