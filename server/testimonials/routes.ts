import { Router, type Request } from 'express';
import { requireRole, requireUser, requireWriter } from '../auth/guards.js';
import { preparePlainText, type Severities } from '../content/pipeline.js';
import { errors } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { isId, newId } from '../store/ids.js';
import type { TestimonialRecord, TestimonialStore } from '../store/testimonials.js';
import { consentBody, testimonialTextBody as textBody, type OwnTestimonial, type PublicTestimonial, type ReviewTestimonial } from '../../shared/schemas/index.js';


/** Published only while a consent record covers exactly the current text. */
const consented = (t: TestimonialRecord) => !!t.consent && t.consent.text === t.text;

const publicView = (t: TestimonialRecord): PublicTestimonial => ({ id: t.id, text: t.text, name: t.consent!.name, title: t.consent!.title });
const ownView = (t: TestimonialRecord): OwnTestimonial => ({ id: t.id, text: t.text, createdAt: t.createdAt, updatedAt: t.updatedAt, consent: t.consent, featured: t.featured, published: t.featured && consented(t) });
const adminView = (t: TestimonialRecord): ReviewTestimonial => ({ ...ownView(t), authorId: t.authorId });

/**
 * Testimonials: nothing is published without a consent record (who, what text, when). The text is
 * read by everyone once featured, so it goes through the personal-data scan like a post's title:
 * 422 until acknowledged, sensitive values masked.
 */
export function testimonialRoutes(store: TestimonialStore, piiSeverity: Severities): Router {
  const r = Router();

  async function own(req: Request): Promise<TestimonialRecord> {
    const id = req.params.id;
    const t = isId(id) ? await store.get(id) : null;
    if (!t || t.authorId !== req.user!.id) throw errors.notFound('There is no such testimonial.');
    return t;
  }

  r.get('/', async (_req, res) => {
    res.json({ items: (await store.all()).filter((t) => t.featured && consented(t)).map(publicView) });
  });

  r.get('/mine', requireUser, async (req, res) => {
    res.json({ items: (await store.byAuthor(req.user!.id)).map(ownView) });
  });

  r.get('/review', requireRole('admin'), async (_req, res) => {
    res.json({ items: (await store.all()).filter(consented).map(adminView) });
  });

  const scanned = (body: unknown) => {
    const { text, acknowledgePii: ack } = parse(textBody, body);
    return preparePlainText(text, ack, piiSeverity).text;
  };

  r.post('/', requireWriter, async (req, res) => {
    const text = scanned(req.body);
    const now = new Date().toISOString();
    const t: TestimonialRecord = { id: newId(), authorId: req.user!.id, text, createdAt: now, updatedAt: now, consent: null, featured: false };
    await store.put(t);
    res.status(201).json({ testimonial: ownView(t) });
  });

  r.patch('/:id', requireWriter, async (req, res) => {
    const text = scanned(req.body);
    const t = await own(req);
    // Consent was given to the old words: an edit voids it and takes the testimonial off the list.
    const next = { ...t, text, updatedAt: new Date().toISOString(), consent: text === t.text ? t.consent : null, featured: text === t.text ? t.featured : false };
    await store.put(next);
    res.json({ testimonial: ownView(next) });
  });

  r.post('/:id/consent', requireUser, async (req, res) => {
    const body = parse(consentBody, req.body);
    // The name and title are published with the testimonial: read like its text (an e-mail
    // address in the title is warned about, a card number masked).
    const byline = preparePlainText(`${body.name}\n${body.title}`, body.acknowledgePii, piiSeverity).text;
    const cut = body.name.length;
    const name = byline.slice(0, cut);
    const title = byline.slice(cut + 1);
    const t = await own(req);
    const next = { ...t, consent: { name, title, text: t.text, at: new Date().toISOString() } };
    await store.put(next);
    res.json({ testimonial: ownView(next) });
  });

  // Withdrawal is a right, so banned users may withdraw too; it unpublishes at once.
  r.delete('/:id/consent', requireUser, async (req, res) => {
    const t = await own(req);
    const next = { ...t, consent: null, featured: false };
    await store.put(next);
    res.json({ testimonial: ownView(next) });
  });

  r.delete('/:id', requireUser, async (req, res) => {
    await store.delete((await own(req)).id);
    res.status(204).end();
  });

  for (const [path, featured] of [['feature', true], ['unfeature', false]] as const) {
    r.post(`/:id/${path}`, requireRole('admin'), async (req, res) => {
      const id = req.params.id;
      const t = isId(id) ? await store.get(id) : null;
      if (!t) throw errors.notFound('There is no such testimonial.');
      if (featured && !consented(t)) throw errors.conflict('This testimonial has no consent for its current text.');
      const next = { ...t, featured };
      await store.put(next);
      res.json({ testimonial: adminView(next) });
    });
  }

  return r;
}
