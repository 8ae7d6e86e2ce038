import { Router } from 'express';
import { privatePage } from '../http/security.js';
import { outboxField } from '../mail/transport.js';
import { parse } from '../http/validate.js';
import { verifyEmailBody } from '../../shared/schemas/index.js';
import { requireUser } from './guards.js';
import { toPublicUser } from './users.js';
import { resendVerification, verifyEmail, type VerifyDeps } from './verify.js';

/** Mounted at /api/auth: using a verification link (signed in or not), and asking for a new one. */
export function verifyEmailRoutes(deps: VerifyDeps): Router {
  const r = Router();

  r.post('/verify-email', async (req, res) => {
    const { token } = parse(verifyEmailBody, req.body);
    res.json({ user: toPublicUser(await verifyEmail(deps, token), true) });
  });

  r.post('/verify-email/resend', requireUser, async (req, res) => {
    await resendVerification(deps, req.user!);
    res.status(202).json({ status: 'accepted', ...outboxField(deps.mail) });
  });

  return r;
}

/**
 * Mounted at the site root before the web app: the page's path holds the token, so no request
 * from that page may carry it away in a Referer, and no index or cache may keep it.
 */
export function verifyEmailPages(): Router {
  const r = Router();
  r.get('/verify/:token', privatePage);
  return r;
}
