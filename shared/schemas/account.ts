// Your data (API.md, Your data — /api/me): correct it, see it all, delete it.
import { z } from 'zod';
import { devOutbox, emailSchema, passwordSchema, userSchema } from './auth.js';
import { acknowledgePii, isoTime, maskPii, piiTypeSchema, roleSchema } from './common.js';
import { notificationKindSchema, preferencesSchema, subscriptionLevelSchema } from './notifications.js';
import { bioSchema } from './users.js';
import { flagStatusSchema } from './moderation.js';
import { postStatusSchema } from './forum.js';
import { consentSchema } from './testimonials.js';

// The current password guards the address and the password only: a bio is edited without it.
export const accountPatchBody = z
  .object({
    currentPassword: z.string().min(1).max(1024).optional(),
    email: emailSchema.optional(),
    newPassword: passwordSchema.optional(),
    bio: bioSchema.optional(),
    acknowledgePii,
    maskPii,
  })
  .refine((b) => b.email !== undefined || b.newPassword !== undefined || b.bio !== undefined, { message: 'expected a new e-mail address, a new password or a bio', path: ['email'] })
  .refine((b) => (b.email === undefined && b.newPassword === undefined) || b.currentPassword !== undefined, { message: 'expected the current password', path: ['currentPassword'] });
export type AccountPatch = z.infer<typeof accountPatchBody>;
export const deleteAccountBody = z.object({ password: z.string().min(1).max(1024), posts: z.enum(['remove', 'anonymize']) });
/** What happens to the posts of a deleted account: removed, or kept under "former member". */
export type PostsChoice = z.infer<typeof deleteAccountBody>['posts'];

/** The user as they see themself on the account page: the API's `user` plus their address and bio. */
export const meSchema = userSchema.extend({ email: z.string(), bio: z.string() });
export type Me = z.infer<typeof meSchema>;

/** `id` is a keyed hash of the session id: session ids are bearer secrets. */
export const sessionInfoSchema = z.strictObject({ id: z.string(), createdAt: isoTime.nullable(), current: z.boolean() });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const exportPostSchema = z.strictObject({
  id: z.string(),
  threadId: z.string(),
  forumId: z.string(),
  status: postStatusSchema,
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
  source: z.string().nullable(),
  html: z.string().nullable(),
  piiTypes: z.array(piiTypeSchema),
  heldReason: z.string().nullable(),
  removal: z.strictObject({ reason: z.string(), at: isoTime }).nullable(),
});
export type ExportPost = z.infer<typeof exportPostSchema>;

export const exportThreadSchema = z.strictObject({ id: z.string(), forumId: z.string(), title: z.string(), createdAt: isoTime, locked: z.boolean() });
export type ExportThread = z.infer<typeof exportThreadSchema>;

export const exportFlagSchema = z.strictObject({ id: z.string(), postId: z.string(), reason: z.string(), createdAt: isoTime, status: flagStatusSchema });
export type ExportFlag = z.infer<typeof exportFlagSchema>;

export const exportTestimonialSchema = z.strictObject({
  id: z.string(),
  authorId: z.string(),
  text: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  consent: consentSchema.nullable(),
  featured: z.boolean(),
});

export const exportThreadSubscriptionSchema = z.strictObject({ threadId: z.string(), title: z.string().nullable(), level: subscriptionLevelSchema.exclude(['normal']) });
export type ExportThreadSubscription = z.infer<typeof exportThreadSubscriptionSchema>;
export const exportReadPositionSchema = z.strictObject({ threadId: z.string(), title: z.string().nullable(), lastReadSeq: z.number().int().min(0) });
export type ExportReadPosition = z.infer<typeof exportReadPositionSchema>;

/** `GET /api/me/export`: everything Agora holds about the caller, and nobody else's. */
export const exportDataSchema = z.strictObject({
  exportedAt: isoTime,
  user: z.strictObject({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    role: roleSchema,
    createdAt: isoTime,
    referralCode: z.string(),
    bio: z.string(),
    emailVerified: z.boolean(),
    ban: z.strictObject({ reason: z.string(), at: isoTime, until: isoTime.nullable() }).nullable(),
  }),
  posts: z.array(exportPostSchema),
  threads: z.array(exportThreadSchema),
  flags: z.array(exportFlagSchema),
  referrals: z.strictObject({ signups: z.number().int() }),
  sessions: z.array(sessionInfoSchema),
  testimonials: z.array(exportTestimonialSchema),
  /**
   * The member's e-mail preferences, every notification they have, read or not, the threads they
   * watch or muted and how far they read each thread (in thread id order). `title` is null for a
   * thread the member may no longer read (or that is gone).
   */
  notifications: z.strictObject({
    preferences: preferencesSchema,
    items: z.array(z.strictObject({
      id: z.string(), kind: notificationKindSchema, at: isoTime, read: z.boolean(), actorId: z.string(), postId: z.string(), threadId: z.string(),
    })),
    subscriptions: z.array(exportThreadSubscriptionSchema),
    readPositions: z.array(exportReadPositionSchema),
  }).optional(),
});
export type ExportData = z.infer<typeof exportDataSchema>;

export const accountAnswers = {
  /** `outbox`: only from a PATCH that changed the address, without a mail server (see devOutbox). */
  me: z.strictObject({ user: meSchema, outbox: devOutbox }),
  export: exportDataSchema,
  sessions: z.strictObject({ items: z.array(sessionInfoSchema) }),
  signedOutOthers: z.strictObject({ ended: z.number().int() }),
};
export type AccountAnswers = { [K in keyof typeof accountAnswers]: z.infer<(typeof accountAnswers)[K]> };
