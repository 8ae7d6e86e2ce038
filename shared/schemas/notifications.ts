// Notifications (API.md, Notifications): mentions, replies and watched threads; read state; the
// e-mail preferences and thread subscriptions that decide what reaches whom.
import { z } from 'zod';
import { authorRefSchema, isoTime } from './common.js';

export const NOTIFICATION_KINDS = ['mention', 'reply', 'watched'] as const;
export const notificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const notificationSchema = z.strictObject({
  id: z.string(),
  kind: notificationKindSchema,
  at: isoTime,
  read: z.boolean(),
  actor: authorRefSchema,
  post: z.strictObject({ id: z.string(), threadId: z.string() }),
  thread: z.strictObject({ id: z.string(), title: z.string() }),
});
export type Notification = z.infer<typeof notificationSchema>;

/** `GET /api/notifications?unread=1&cursor=&limit=` */
export const notificationsQuery = z.strictObject({
  unread: z.enum(['0', '1']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

/** `POST /api/notifications/read`: some by id, or all. */
export const markReadBody = z.union([
  z.strictObject({ ids: z.array(z.string().max(64)).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);

export const SUBSCRIPTION_LEVELS = ['watching', 'normal', 'muted'] as const;
export const subscriptionLevelSchema = z.enum(SUBSCRIPTION_LEVELS);
export type SubscriptionLevel = z.infer<typeof subscriptionLevelSchema>;
/** `PUT /api/threads/:threadId/subscription` */
export const subscriptionBody = z.strictObject({ level: subscriptionLevelSchema });

/** `POST /api/threads/:threadId/read` */
export const threadReadBody = z.strictObject({ seq: z.number().int().min(0).max(1_000_000_000) });

export const DIGESTS = ['off', 'daily', 'weekly'] as const;
export const preferencesSchema = z.strictObject({
  emailOnMention: z.boolean(),
  emailOnWatched: z.boolean(),
  digest: z.enum(DIGESTS),
});
export type Preferences = z.infer<typeof preferencesSchema>;
export const DEFAULT_PREFERENCES: Preferences = { emailOnMention: true, emailOnWatched: false, digest: 'off' };
/** `PATCH /api/me/preferences` */
export const preferencesPatch = z.strictObject({
  emailOnMention: z.boolean().optional(),
  emailOnWatched: z.boolean().optional(),
  digest: z.enum(DIGESTS).optional(),
}).refine((p) => Object.values(p).some((v) => v !== undefined), 'expected a preference to change');

export const notificationAnswers = {
  page: z.strictObject({ items: z.array(notificationSchema), nextCursor: z.string().nullable(), unreadCount: z.number().int().min(0) }),
  read: z.strictObject({ unreadCount: z.number().int().min(0) }),
  subscription: z.strictObject({ level: subscriptionLevelSchema }),
  preferences: z.strictObject({ preferences: preferencesSchema }),
};
export type NotificationAnswers = { [K in keyof typeof notificationAnswers]: z.infer<(typeof notificationAnswers)[K]> };
