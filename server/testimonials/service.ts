import type { PiiType } from '../../shared/pii/index.js';
import { authorize } from '../auth/policy.js';
import { preparePlainText, type Severities } from '../content/pipeline.js';
import { Conflict, NotFound } from '../errors.js';
import { isId, newId } from '../store/ids.js';
import type { TestimonialRecord, TestimonialStore } from '../store/testimonials.js';
import type { UserRecord } from '../store/users.js';

/**
 * Testimonials: nothing is published without a consent record (who, what text, when). The text is
 * read by everyone once featured, so it goes through the personal-data scan like a post's title:
 * 422 until acknowledged, sensitive values masked.
 */
export interface TestimonialDeps {
  store: Pick<TestimonialStore, 'all' | 'byAuthor' | 'get' | 'put' | 'delete'>;
  piiSeverity: Severities;
  now: () => number;
}

/** Published only while a consent record covers exactly the current text. */
export const consented = (t: TestimonialRecord) => !!t.consent && t.consent.text === t.text;

const iso = (deps: TestimonialDeps) => new Date(deps.now()).toISOString();

export const published = async (deps: TestimonialDeps) => (await deps.store.all()).filter((t) => t.featured && consented(t));

export const mine = (deps: TestimonialDeps, user: UserRecord) => deps.store.byAuthor(user.id);

/** What an admin may feature: every testimonial with consent for its current text. */
export async function forReview(deps: TestimonialDeps, user: UserRecord) {
  authorize(user, 'administer');
  return (await deps.store.all()).filter(consented);
}

async function own(deps: TestimonialDeps, user: UserRecord, id: string): Promise<TestimonialRecord> {
  const t = isId(id) ? await deps.store.get(id) : null;
  if (!t || t.authorId !== user.id) throw new NotFound('There is no such testimonial.');
  return t;
}

const scanned = (deps: TestimonialDeps, text: string, ack: PiiType[], mask?: PiiType[]) => preparePlainText(text, ack, deps.piiSeverity, mask).text;

export async function submit(deps: TestimonialDeps, user: UserRecord, input: { text: string; acknowledgePii: PiiType[]; maskPii?: PiiType[] }) {
  authorize(user, 'write');
  const text = scanned(deps, input.text, input.acknowledgePii, input.maskPii);
  const now = iso(deps);
  const t: TestimonialRecord = { id: newId(), authorId: user.id, text, createdAt: now, updatedAt: now, consent: null, featured: false };
  await deps.store.put(t);
  return t;
}

export async function edit(deps: TestimonialDeps, user: UserRecord, id: string, input: { text: string; acknowledgePii: PiiType[]; maskPii?: PiiType[] }) {
  authorize(user, 'write');
  const text = scanned(deps, input.text, input.acknowledgePii, input.maskPii);
  const t = await own(deps, user, id);
  // Consent was given to the old words: an edit voids it and takes the testimonial off the list.
  const same = text === t.text;
  const next = { ...t, text, updatedAt: iso(deps), consent: same ? t.consent : null, featured: same ? t.featured : false };
  await deps.store.put(next);
  return next;
}

export async function consent(deps: TestimonialDeps, user: UserRecord, id: string, input: { name: string; title: string; acknowledgePii: PiiType[] }) {
  // The name and title are published with the testimonial: read like its text (an e-mail
  // address in the title is warned about, a card number masked).
  const byline = scanned(deps, `${input.name}\n${input.title}`, input.acknowledgePii);
  const cut = input.name.length;
  const t = await own(deps, user, id);
  const next = { ...t, consent: { name: byline.slice(0, cut), title: byline.slice(cut + 1), text: t.text, at: iso(deps) } };
  await deps.store.put(next);
  return next;
}

/** Withdrawal is a right, so banned users may withdraw too; it unpublishes at once. */
export async function withdraw(deps: TestimonialDeps, user: UserRecord, id: string) {
  const next = { ...(await own(deps, user, id)), consent: null, featured: false };
  await deps.store.put(next);
  return next;
}

export async function remove(deps: TestimonialDeps, user: UserRecord, id: string): Promise<void> {
  await deps.store.delete((await own(deps, user, id)).id);
}

export async function setFeatured(deps: TestimonialDeps, user: UserRecord, id: string, featured: boolean) {
  authorize(user, 'administer');
  const t = isId(id) ? await deps.store.get(id) : null;
  if (!t) throw new NotFound('There is no such testimonial.');
  if (featured && !consented(t)) throw new Conflict('This testimonial has no consent for its current text.');
  const next = { ...t, featured };
  await deps.store.put(next);
  return next;
}
