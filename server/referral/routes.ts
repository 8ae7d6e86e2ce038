import { Router } from 'express';
import { requireUser, requireWriter } from '../auth/guards.js';
import { parse } from '../http/validate.js';
import type { UserStore } from '../store/users.js';
import { referralBody } from '../../shared/schemas/index.js';
import { issueFormToken, referredSignups, submitReferral, type ReferralServiceDeps } from './service.js';

/** `/api/referrals`: behind the session, passport and CSRF protection (app.ts). */
export function referralApi(deps: ReferralServiceDeps & { users: Pick<UserStore, 'countReferredBy'> }): Router {
  const r = Router();

  r.post('/token', requireWriter, async (req, res) => {
    res.status(201).json({ token: await issueFormToken(deps, req.user!) });
  });

  r.post('/', requireWriter, async (req, res) => {
    const input = parse(referralBody, req.body);
    await submitReferral(deps, req.user!, req.ip ?? 'unknown', input);
    // The same answer whether the invite went out, was suppressed by an opt-out or was a repeat.
    // Without a mail server (development) it also says where the invite can be read instead: the
    // same for every referral, so it tells nothing about the friend either.
    const outbox = deps.mailer.outboxPath;
    res.status(202).json(outbox ? { status: 'accepted', outbox } : { status: 'accepted' });
  });

  r.get('/stats', requireUser, async (req, res) => {
    res.json({ signups: await referredSignups(deps.users, req.user!) });
  });

  return r;
}
