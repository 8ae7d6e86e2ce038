import type { RequestHandler } from 'express';
import { errors } from '../http/errors.js';
import type { Role } from '../store/users.js';
import { isBanned } from './users.js';

/** Signed in (banned users included: they keep reading). */
export const requireUser: RequestHandler = (req, _res, next) => {
  next(req.user ? undefined : errors.unauthenticated());
};

/** Signed in and allowed to write: a banned user answers 403 on every write. */
export const requireWriter: RequestHandler = (req, _res, next) => {
  if (!req.user) return next(errors.unauthenticated());
  if (isBanned(req.user)) return next(errors.forbidden('Your account is banned from writing.'));
  next();
};

const RANK: Record<Role, number> = { member: 0, moderator: 1, admin: 2 };

export function requireRole(role: Role): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(errors.unauthenticated());
    if (RANK[req.user.role] < RANK[role] || isBanned(req.user)) return next(errors.forbidden());
    next();
  };
}
