// Forums, threads and posts (API.md, Forum): what may be written, and what a reader gets back.
import { z } from 'zod';
import { acknowledgePii, authorRefSchema, fieldFindingSchema, isoTime, maskPii, ownRemovalSchema, pageOf, piiTypeSchema, removalSchema } from './common.js';

export const BODY_MAX = 20_000;
export const TITLE_MAX = 200;

const body = z.string().max(BODY_MAX, `expected at most ${BODY_MAX} characters`).refine((s) => s.trim().length > 0, 'expected some text');

export const newForumBody = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'expected 2–48 lowercase letters, digits or dashes'),
  title: z.string().trim().min(1).max(100),
  description: z.string().max(500).default(''),
});

/** PATCH /api/forums/:forumId: any of these; `position` is the place in the list, 0 first. */
export const forumPatchBody = z.object({
  title: z.string().trim().min(1).max(100).optional(),
  description: z.string().max(500).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  archived: z.boolean().optional(),
}).refine((p) => Object.values(p).some((v) => v !== undefined), 'expected a field to change');
export type ForumPatchInput = z.input<typeof forumPatchBody>;

export const newThreadBody = z.object({
  title: z.string().max(TITLE_MAX, `expected at most ${TITLE_MAX} characters`).refine((s) => s.trim().length > 0, 'expected a title'),
  body,
  acknowledgePii,
  maskPii,
});

export const postBody = z.object({ body, acknowledgePii, maskPii });
export const previewBody = z.object({ body, maskPii });

export type NewThreadInput = z.input<typeof newThreadBody>;
export type PostInput = z.input<typeof postBody>;

/** Whether the reader may start a thread in the forum (server/auth/policy.ts decides). */
export const forumPermissionsSchema = z.strictObject({ post: z.boolean() });
export type ForumPermissions = z.infer<typeof forumPermissionsSchema>;

export const forumSchema = z.strictObject({
  id: z.string(), slug: z.string(), title: z.string(), description: z.string(),
  /** The forum list is in this order, lowest first. */
  position: z.number().int(),
  /** Read-only: new threads and replies answer 403. */
  archived: z.boolean(),
  /** On `GET /api/forums/:forumId`, for everyone (a visitor's are all false). */
  can: forumPermissionsSchema.optional(),
});
export type Forum = z.infer<typeof forumSchema>;

/**
 * What the reader may do on a thread (server/auth/policy.ts decides): reply; edit their own posts;
 * edit others' posts (staff); flag others' posts. The web app shows its controls by these.
 */
export const threadPermissionsSchema = z.strictObject({ reply: z.boolean(), editOwn: z.boolean(), editOthers: z.boolean(), flag: z.boolean() });
export type ThreadPermissions = z.infer<typeof threadPermissionsSchema>;

export const threadSchema = z.strictObject({
  id: z.string(),
  forumId: z.string(),
  title: z.string(),
  author: authorRefSchema.nullable(),
  createdAt: isoTime,
  lastPostAt: isoTime,
  postCount: z.number().int(),
  locked: z.boolean(),
  /** Moderators only: set while the thread is removed (everyone else gets 404). */
  removal: removalSchema.optional(),
  /** Moderators only: the title and every post's content were purged for good. */
  purged: z.boolean().optional(),
  /** Signed-in members, in thread lists: visible posts written since they last read the thread. */
  unreadCount: z.number().int().min(0).optional(),
  /** Signed-in members, on the thread: their subscription and the seq they have read up to (0: never). */
  subscription: z.enum(['watching', 'normal', 'muted']).optional(),
  lastReadSeq: z.number().int().min(0).optional(),
  /** On `GET /api/threads/:threadId`, for everyone (a visitor's are all false). */
  can: threadPermissionsSchema.optional(),
});
export type Thread = z.infer<typeof threadSchema>;

export const postStatusSchema = z.enum(['visible', 'held', 'removed']);
export type PostStatus = z.infer<typeof postStatusSchema>;

/** A removed post, to anyone but a moderator, is a tombstone: no html, no author, no piiTypes. */
export const postSchema = z.strictObject({
  id: z.string(),
  threadId: z.string(),
  forumId: z.string(),
  author: authorRefSchema.nullable(),
  html: z.string().nullable(),
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
  status: postStatusSchema,
  /** The thread seq at which it was written (absent on posts older than unread tracking). */
  seq: z.number().int().min(1).optional(),
  piiTypes: z.array(piiTypeSchema),
  /** Moderators: who removed it, why and when; its author: why and when (never who). */
  removal: z.union([removalSchema, ownRemovalSchema]).optional(),
  /** True when the content was purged for good (moderators see it). */
  purged: z.boolean().optional(),
});
export type Post = z.infer<typeof postSchema>;

export const forumAnswers = {
  forums: z.strictObject({ items: z.array(forumSchema) }),
  forum: z.strictObject({ forum: forumSchema }),
  threads: pageOf(threadSchema),
  thread: z.strictObject({ thread: threadSchema }),
  newThread: z.strictObject({ thread: threadSchema, post: postSchema }),
  posts: pageOf(postSchema),
  post: z.strictObject({ post: postSchema }),
  /** The Markdown an author or a moderator edits. */
  source: z.strictObject({ source: z.string() }),
  /** What publishing would produce; nothing is stored. */
  preview: z.strictObject({ html: z.string(), findings: z.array(fieldFindingSchema) }),
};
export type ForumAnswers = { [K in keyof typeof forumAnswers]: z.infer<(typeof forumAnswers)[K]> };
