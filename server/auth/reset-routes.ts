import { Router, type Request } from 'express';
import { privatePage } from '../http/security.js';
import { outboxField } from '../mail/transport.js';
import { parse } from '../http/validate.js';
import { passwordResetBody, passwordResetConfirmBody } from '../../shared/schemas/index.js';
import { confirmPasswordReset, requestPasswordReset, type ResetDeps } from './reset.js';

/** Mounted at /api/auth: asking for a reset link, and using one. */
export function passwordResetRoutes(deps: ResetDeps): Router {
  const r = Router();
  const ip = (req: Request) => req.ip ?? 'unknown';

  r.post('/password-reset', async (req, res) => {
    const { email } = parse(passwordResetBody, req.body);
    await requestPasswordReset(deps, email, ip(req));
    // The same whether or not an account has the address; without a mail server it says where the
    // link would be, for every address alike.
    res.status(202).json({ status: 'accepted', ...outboxField(deps.mail) });
  });

  r.post('/password-reset/confirm', async (req, res) => {
    const { token, password } = parse(passwordResetConfirmBody, req.body);
    await confirmPasswordReset(deps, token, password);
    res.status(204).end();
  });

  return r;
}

/**
 * Mounted at the site root before the web app: the reset page's path holds the token, so no
 * request from that page may carry it away in a Referer, and no index may keep it.
 */
export function passwordResetPages(): Router {
  const r = Router();
  r.get('/reset/:token', privatePage);
  return r;
}
