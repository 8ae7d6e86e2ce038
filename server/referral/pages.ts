import { Router, type RequestHandler } from 'express';
import { privatePage } from '../http/security.js';
import type { ReferralStore } from '../store/referrals.js';
import type { UserStore } from '../store/users.js';
import type { OptOutKeys } from './optout.js';
import { recordOptOut, referrerByCode } from './service.js';

export interface ReferralPagesDeps {
  session: RequestHandler;
  users: Pick<UserStore, 'findByReferralCode'>;
  store: Pick<ReferralStore, 'addOptOut'>;
  optOut: OptOutKeys;
}

/**
 * Mounted at the site root before the web app. The GETs only add what the server must do and
 * then fall through to the web app's index.html, which renders the page.
 */
export function referralPages(deps: ReferralPagesDeps): Router {
  const r = Router();

  // The landing page remembers the code in the visitor's session for sign-up attribution. A
  // landing page should still open when that cannot be done (unknown code, store down).
  r.get('/r/:referralCode', async (req, res, next) => {
    const code = String(req.params.referralCode);
    const referrer = await referrerByCode(deps.users, code).catch(() => null);
    if (!referrer) return next();
    deps.session(req, res, (err?: unknown) => {
      if (!err) req.session.referralCode = code;
      next();
    });
  });

  // The opt-out page itself: its path holds a token, so keep it out of referrers and indexes.
  r.get('/unsubscribe/:optOutToken', privatePage);

  // RFC 8058 one-click: no session, no CSRF token (the token in the path is the proof); the body,
  // `List-Unsubscribe=One-Click` or none at all, is not needed and not read.
  r.post('/unsubscribe/:optOutToken', async (req, res) => {
    await recordOptOut(deps, String(req.params.optOutToken));
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).json({ status: 'opted_out' });
  });

  return r;
}
