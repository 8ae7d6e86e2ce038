// Testimonials (/api/testimonials): nothing is published without a consent record for its text.
import { z } from 'zod';
import { acknowledgePii, isoTime, maskPii } from './common.js';

const text = z.string().trim().min(1, 'expected some text').max(1000, 'expected at most 1000 characters');
export const testimonialTextBody = z.object({ text, acknowledgePii, maskPii });
export const consentBody = z.object({ name: z.string().trim().min(1).max(80), title: z.string().trim().max(120).default(''), acknowledgePii });

/** Who agreed to be published, with which name and title, for exactly which text, and when. */
export const consentSchema = z.strictObject({ name: z.string(), title: z.string(), text: z.string(), at: isoTime });
export type Consent = z.infer<typeof consentSchema>;

export const publicTestimonialSchema = z.strictObject({ id: z.string(), text: z.string(), name: z.string(), title: z.string() });
export type PublicTestimonial = z.infer<typeof publicTestimonialSchema>;

/** A testimonial as its author sees it; `published` while featured and consented for its text. */
export const ownTestimonialSchema = z.strictObject({
  id: z.string(),
  text: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  consent: consentSchema.nullable(),
  featured: z.boolean(),
  published: z.boolean(),
});
export type OwnTestimonial = z.infer<typeof ownTestimonialSchema>;

/** As the admins' review list shows it: whose it is, too. */
export const reviewTestimonialSchema = ownTestimonialSchema.extend({ authorId: z.string() });
export type ReviewTestimonial = z.infer<typeof reviewTestimonialSchema>;

export const testimonialAnswers = {
  list: z.strictObject({ items: z.array(publicTestimonialSchema) }),
  mine: z.strictObject({ items: z.array(ownTestimonialSchema) }),
  review: z.strictObject({ items: z.array(reviewTestimonialSchema) }),
  own: z.strictObject({ testimonial: ownTestimonialSchema }),
  reviewed: z.strictObject({ testimonial: reviewTestimonialSchema }),
};
export type TestimonialAnswers = { [K in keyof typeof testimonialAnswers]: z.infer<(typeof testimonialAnswers)[K]> };
