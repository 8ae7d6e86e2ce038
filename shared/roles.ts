// Roles and bans as every part of Agora reads them, in a module without zod: the schemas
// (z.enum(ROLES)), the server's policy, the stores' types and the web app all import it, so the
// order of roles and what makes a ban in force are written once.

/** Lowest to highest: a role may do what every role before it may. */
export const ROLES = ['member', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A role's place in ROLES: higher may do more. */
export const rank = (role: Role): number => ROLES.indexOf(role);

/** Whether `role` is `needed` or above it. */
export const atLeast = (role: Role, needed: Role): boolean => rank(role) >= rank(needed);

/** What decides whether a ban is in force: its end (an ISO time; null: for good). */
export interface BanTerm { until: string | null }

/** A ban is in force when it has no end or its end is still ahead of `now`. */
export const banActive = <B extends BanTerm>(ban: B | null | undefined, now = Date.now()): ban is B =>
  !!ban && (ban.until === null || Date.parse(ban.until) > now);
