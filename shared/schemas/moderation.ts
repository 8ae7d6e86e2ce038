// Moderation (API.md, Moderation): reasons, bans, roles, the review queue and the audit log.
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../audit-actions.js';
import { userSchema } from './auth.js';
import { authorRefSchema, isoTime, pageOf, roleSchema } from './common.js';
import { postSchema, threadSchema } from './forum.js';

export { AUDIT_ACTIONS, type AuditAction } from '../audit-actions.js';

const reason = z.string().trim().min(1, 'expected a reason').max(500, 'expected at most 500 characters');
export const reasonBody = z.object({ reason });
export const optionalReasonBody = z.object({ reason: z.string().trim().max(500).default('') });
export const resolveBody = z.object({ action: z.enum(['dismiss', 'remove']) });
/** A ban's end must be ahead of `now`: the server passes its (injected) clock, the browser has its own. */
export const banBodyAt = (now: () => number) => z.object({
  reason,
  until: z.iso.datetime({ offset: true }).refine((s) => Date.parse(s) > now(), 'expected a time in the future').nullish(),
});
export const banBody = banBodyAt(() => Date.now());
export const roleBody = z.object({ role: roleSchema });
export const auditQuery = z.object({
  actor: z.string().max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  targetId: z.string().max(64).optional(),
});
/**
 * GET /api/mod/users?username=: the name looked up. A missing or repeated parameter looks up no
 * name (404, like an unknown one), so nothing here refuses it.
 */
export const modUserQuery = z.object({ username: z.string().catch('') });
/** GET /api/admin/users: part of a name, a role, banned or not (`true`/`false`). */
export const adminUsersQuery = z.object({
  query: z.string().trim().max(32).default(''),
  role: roleSchema.optional(),
  banned: z.enum(['true', 'false']).optional().transform((b) => (b === undefined ? undefined : b === 'true')),
});
export type AdminUsersFilter = z.input<typeof adminUsersQuery>;

/** A row of the admins' user list. */
export const adminUserSchema = z.strictObject({
  id: z.string(), username: z.string(), role: roleSchema, createdAt: isoTime, banned: z.boolean(), postCount: z.number().int(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

/** The audit log's filters, as a page sets them. */
export type AuditFilter = z.input<typeof auditQuery>;

export const flagStatusSchema = z.enum(['open', 'dismissed', 'actioned']);

/** A flag as moderators see it (who filed it included); members see their own without `by`. */
export const flagSchema = z.strictObject({
  id: z.string(),
  postId: z.string(),
  threadId: z.string(),
  reason: z.string(),
  createdAt: isoTime,
  status: flagStatusSchema,
  by: authorRefSchema.optional(),
  resolvedAt: isoTime.nullable().optional(),
});
export type Flag = z.infer<typeof flagSchema>;

export const queueItemSchema = z.strictObject({ kind: z.enum(['flag', 'held']), post: postSchema, flags: z.array(flagSchema) });
export type QueueItem = z.infer<typeof queueItemSchema>;

/** `mod:queue`: an item that entered or changed, or one that left the queue. */
export const queueEventSchema = z.union([
  z.strictObject({ kind: z.enum(['flag', 'held']), item: queueItemSchema }),
  z.strictObject({ kind: z.literal('resolved'), item: z.strictObject({ postId: z.string() }) }),
]);
export type QueueEvent = z.infer<typeof queueEventSchema>;

/** `by` (the moderator's id) only in the moderators' user lookup. */
export const banSchema = z.strictObject({ reason: z.string(), by: z.string().optional(), at: isoTime, until: isoTime.nullable() });
export type Ban = z.infer<typeof banSchema>;

/** A user as the moderators' lookup and the ban routes answer it. */
export const modUserSchema = userSchema.pick({ id: true, username: true, role: true, createdAt: true }).extend({ ban: banSchema.nullable().optional() });
export type ModUser = z.infer<typeof modUserSchema>;

/**
 * What an audit entry acted on, with what the page needs to name it in words and link to it. A
 * title is null once purged (or its record is gone); a deleted member is "former member".
 */
export const auditTargetSchema = z.discriminatedUnion('kind', [
  /** `thread`: the thread the post is in (absent when the post's record is gone). */
  z.strictObject({ kind: z.literal('post'), id: z.string(), thread: z.strictObject({ id: z.string(), title: z.string().nullable() }).optional() }),
  z.strictObject({ kind: z.literal('thread'), id: z.string(), title: z.string().nullable() }),
  z.strictObject({ kind: z.literal('user'), id: z.string(), user: authorRefSchema }),
  z.strictObject({ kind: z.literal('forum'), id: z.string(), title: z.string().nullable() }),
]);
export type AuditTarget = z.infer<typeof auditTargetSchema>;

export const auditEntrySchema = z.strictObject({
  id: z.string(),
  at: isoTime,
  actor: authorRefSchema,
  action: z.enum(AUDIT_ACTIONS),
  target: auditTargetSchema,
  reason: z.string(),
  /** Present when the reason is a member's flag reason: whose words they are ("former member" once erased). */
  reasonBy: authorRefSchema.optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `mod:audit`: an entry just written, as the audit page shows it. */
export const auditEventSchema = z.strictObject({ entry: auditEntrySchema });
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const moderationAnswers = {
  post: z.strictObject({ post: postSchema }),
  thread: z.strictObject({ thread: threadSchema }),
  flag: z.strictObject({ flag: flagSchema }),
  resolved: z.strictObject({ flag: flagSchema, post: postSchema }),
  queue: pageOf(queueItemSchema),
  user: z.strictObject({ user: modUserSchema }),
  removed: z.strictObject({ removed: z.number().int() }),
  audit: pageOf(auditEntrySchema),
  role: z.strictObject({ user: userSchema }),
  adminUsers: pageOf(adminUserSchema),
};
export type ModerationAnswers = { [K in keyof typeof moderationAnswers]: z.infer<(typeof moderationAnswers)[K]> };
