// Accounts (API.md, Accounts — /api/auth): sign-up and sign-in bodies, the `user` they answer.
import { z } from 'zod';
import { isoTime, roleSchema } from './common.js';

export const usernameSchema = z.string().regex(/^[A-Za-z0-9_.-]{3,32}$/, 'expected 3–32 letters, digits, dots, dashes or underscores');
export const passwordSchema = z.string().min(10, 'expected at least 10 characters').max(256, 'expected at most 256 characters');
// One plain address (no display name, no list): the pragmatic shape used everywhere in Agora.
export const emailSchema = z.string().max(254).pipe(z.email({ error: 'expected one e-mail address' }));

export const registerBody = z.object({ username: usernameSchema, email: emailSchema, password: passwordSchema });
// Loose on purpose: a wrong pair answers `invalid_credentials`, whatever its shape, so a login
// never tells which usernames could exist.
export const loginBody = z.object({ username: z.string().max(256), password: z.string().max(1024) });

/**
 * What the user themself may do (server/auth/policy.ts decides): see the moderation pages, the
 * administration pages. A banned moderator may do neither until the ban ends.
 */
export const userPermissionsSchema = z.strictObject({ moderate: z.boolean(), administer: z.boolean() });
export type UserPermissions = z.infer<typeof userPermissionsSchema>;

/** The API's `user`; `referralCode`, the ban state and `can` only for the user themself. */
export const userSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: isoTime,
  referralCode: z.string().optional(),
  banned: z.boolean().optional(),
  bannedUntil: isoTime.nullable().optional(),
  /** Why the user themself is banned; only while they are. */
  banReason: z.string().optional(),
  /** Whether the user themself has verified their address (only for the user themself). */
  emailVerified: z.boolean().optional(),
  can: userPermissionsSchema.optional(),
});
export type User = z.infer<typeof userSchema>;

/** `POST /api/auth/verify-email`: the token from the verification e-mail. */
export const verifyEmailBody = z.object({ token: z.string().max(256) });

/** `POST /api/auth/password-reset`: one address, checked like sign-up's. */
export const passwordResetBody = z.object({ email: emailSchema });
/** `POST /api/auth/password-reset/confirm`: the token from the e-mail and the new password (sign-up's rules). */
export const passwordResetConfirmBody = z.object({ token: z.string().max(256), password: passwordSchema });

/**
 * Outside production without SMTP_URL, answers that sent an e-mail say where it was kept instead
 * of sent: the development outbox, the same for every address.
 */
export const devOutbox = z.literal('/dev/mail').optional();

export const authAnswers = {
  csrf: z.strictObject({ token: z.string() }),
  /**
   * Register and login: the session changed, so the CSRF token bound to it did too. `outbox`:
   * register only, where the verification e-mail is without a mail server.
   */
  signedIn: z.strictObject({ user: userSchema, csrfToken: z.string(), outbox: devOutbox }),
  me: z.strictObject({ user: userSchema }),
  /** `GET /api/auth/session`: the signed-in user, or null for an anonymous visitor (never a 401). */
  session: z.strictObject({ user: userSchema.nullable() }),
  /** `POST /api/auth/password-reset`: the same answer whether or not an account has the address. */
  passwordReset: z.strictObject({ status: z.literal('accepted'), outbox: devOutbox }),
  /** `POST /api/auth/verify-email/resend`. */
  verifyResend: z.strictObject({ status: z.literal('accepted'), outbox: devOutbox }),
};
export type AuthAnswers = { [K in keyof typeof authAnswers]: z.infer<(typeof authAnswers)[K]> };
