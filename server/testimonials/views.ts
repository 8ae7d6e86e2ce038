import type { OwnTestimonial, PublicTestimonial, ReviewTestimonial } from '../../shared/schemas/index.js';
import type { TestimonialRecord } from '../store/testimonials.js';
import { consented } from './service.js';

export const publicView = (t: TestimonialRecord): PublicTestimonial => ({ id: t.id, text: t.text, name: t.consent!.name, title: t.consent!.title });
export const ownView = (t: TestimonialRecord): OwnTestimonial => ({ id: t.id, text: t.text, createdAt: t.createdAt, updatedAt: t.updatedAt, consent: t.consent, featured: t.featured, published: t.featured && consented(t) });
export const adminView = (t: TestimonialRecord): ReviewTestimonial => ({ ...ownView(t), authorId: t.authorId });
