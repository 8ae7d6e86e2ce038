import type { RequestHandler } from 'express';
import { Unauthenticated } from '../errors.js';
import { refusal, type Action } from './policy.js';

/**
 * Route guards: each asks the policy about an action that needs no resource; the rest of the
 * "may they?" questions are the services' (they hold the resource).
 */
const guard = (action: Extract<Action, 'write' | 'moderate' | 'administer'>): RequestHandler => (req, _res, next) => {
  next(refusal(req.user, action) ?? undefined);
};

/** Signed in (banned users included: they keep reading). */
export const requireUser: RequestHandler = (req, _res, next) => {
  next(req.user ? undefined : new Unauthenticated());
};

/** Signed in and allowed to write: a banned user answers 403 on every write. */
export const requireWriter = guard('write');
/** A moderator or admin in good standing. */
export const requireModerator = guard('moderate');
export const requireAdmin = guard('administer');
