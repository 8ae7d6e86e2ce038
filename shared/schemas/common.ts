// Shapes every part of the API uses (API.md): roles, author references, removals, pages, errors,
// personal-data findings. Response schemas are strict on purpose: they say exactly what the server
// answers, and test/unit/shared-schemas.test.ts parses real answers with them, so a view that adds,
// drops or renames a field fails there instead of surprising the browser.
import { z } from 'zod';
import { PII_TYPES, type PiiType } from '../pii/types.js';
import { ROLES, type Role } from '../roles.js';

export { ROLES, type Role };
export const roleSchema = z.enum(ROLES);

export const piiTypeSchema = z.enum(PII_TYPES as [PiiType, ...PiiType[]]);
export const piiFindingSchema = z.strictObject({
  type: piiTypeSchema,
  start: z.number().int(),
  end: z.number().int(),
  severity: z.enum(['warn', 'sensitive', 'block', 'off']),
});
/** A finding in an answer: which submitted text (`title`, `body` or `text`) its offsets point into. */
export const fieldFindingSchema = piiFindingSchema.extend({ field: z.enum(['title', 'body', 'text']) });
export type FieldFinding = z.infer<typeof fieldFindingSchema>;

/** The types of personal data the author has seen and accepts (API.md, Personal data in posts). */
export const acknowledgePii = z.array(piiTypeSchema).max(PII_TYPES.length * 2).default([]);
/**
 * Types the author chose to have masked although they would be published as written (an e-mail
 * address, a phone number): published like sensitive findings, all but the last four characters hidden.
 */
export const maskPii = z.array(piiTypeSchema).max(PII_TYPES.length * 2).default([]);

/** `?cursor=&limit=` (limit 1–100, default 50). */
export const pageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// What an opaque cursor holds once decoded: lists newest first are keyset-paged by time and id,
// lists oldest first by offset.
export const timeCursor = z.object({ at: z.number().int(), id: z.string().max(32) });
export const offsetCursor = z.object({ o: z.number().int().min(0) });
/** Lists in name order continue after this lowercased name. */
export const nameCursor = z.object({ n: z.string().max(32) });

/** An ISO-8601 time. */
export const isoTime = z.string();

export const authorRefSchema = z.strictObject({ id: z.string(), username: z.string() });
export type AuthorRef = z.infer<typeof authorRefSchema>;

export const removalSchema = z.strictObject({ by: authorRefSchema, reason: z.string(), at: isoTime });
export type Removal = z.infer<typeof removalSchema>;
/** A removal as the removed post's author sees it: why and when; who removed it stays with staff. */
export const ownRemovalSchema = z.strictObject({ reason: z.string(), at: isoTime });
export type OwnRemoval = z.infer<typeof ownRemovalSchema>;

/** A page of a list: `{items, nextCursor}`, `nextCursor` null at the end. */
export const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = z.infer<ReturnType<typeof pageOf<z.ZodType<T>>>>;

export const apiErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.looseObject({
      field: z.string().optional(),
      /** 400 `invalid_request`: every field's first problem, in words a form shows under the field. */
      fields: z.record(z.string(), z.string()).optional(),
      findings: z.array(fieldFindingSchema).optional(),
    }).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
