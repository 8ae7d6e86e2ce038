import { Router, type Request } from 'express';
import { requireUser } from '../auth/guards.js';
import { SESSION_COOKIE } from '../auth/session.js';
import { parse } from '../http/validate.js';
import { outboxField, type MailTransport } from '../mail/transport.js';
import { deleteAccount, exportData, sessionsOf, signOutOthers, updateAccount, type AccountDeps, type Caller } from './service.js';
import { toMeView } from './views.js';
import { accountPatchBody as patchBody, deleteAccountBody as deleteBody } from '../../shared/schemas/index.js';

const callerOf = (req: Request): Caller => ({ user: req.user!, sessionId: req.sessionID });

const endSession = (req: Request) =>
  new Promise<void>((resolve) => req.session.destroy(() => resolve()));

/**
 * /api/me: see, correct, export and delete your own data. `mail`: where the verification e-mail for
 * a changed address went (its development outbox is named in the answer).
 */
export function accountRoutes(deps: AccountDeps & { mail?: Pick<MailTransport, 'outboxPath'> }): Router {
  const r = Router();
  r.use(requireUser);

  r.get('/', (req, res) => {
    res.json({ user: toMeView(req.user!) });
  });

  r.get('/export', async (req, res) => {
    res.set('Content-Disposition', 'attachment; filename="agora-export.json"').json(await exportData(deps, callerOf(req)));
  });

  r.get('/sessions', async (req, res) => {
    res.json({ items: await sessionsOf(deps, callerOf(req)) });
  });

  r.delete('/sessions', async (req, res) => {
    res.json({ ended: await signOutOthers(deps, callerOf(req)) });
  });

  r.patch('/', async (req, res) => {
    const body = parse(patchBody, req.body);
    const addressChanged = body.email !== undefined && body.email !== req.user!.email;
    const user = await updateAccount(deps, callerOf(req), body);
    res.json({ user: toMeView(user), ...(addressChanged ? outboxField(deps.mail) : {}) });
  });

  r.delete('/', async (req, res) => {
    const body = parse(deleteBody, req.body);
    await deleteAccount(deps, callerOf(req), body);
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  return r;
}
