import { Router, type Request } from 'express';
import { requireUser } from '../auth/guards.js';
import { toPublicUser } from '../auth/users.js';
import { SESSION_COOKIE } from '../auth/session.js';
import { parse } from '../http/validate.js';
import { deleteAccount, exportData, sessionsOf, signOutOthers, updateAccount, type AccountDeps, type Caller } from './service.js';
import { accountPatchBody as patchBody, deleteAccountBody as deleteBody } from '../../shared/schemas/index.js';

const callerOf = (req: Request): Caller => ({ user: req.user!, sessionId: req.sessionID });

const endSession = (req: Request) =>
  new Promise<void>((resolve) => req.session.destroy(() => resolve()));

/** /api/me: see, correct, export and delete your own data. */
export function accountRoutes(deps: AccountDeps): Router {
  const r = Router();
  r.use(requireUser);

  r.get('/', (req, res) => {
    res.json({ user: { ...toPublicUser(req.user!, true), email: req.user!.email, bio: req.user!.bio ?? '' } });
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
    const user = await updateAccount(deps, callerOf(req), body);
    res.json({ user: { ...toPublicUser(user, true), email: user.email, bio: user.bio ?? '' } });
  });

  r.delete('/', async (req, res) => {
    const body = parse(deleteBody, req.body);
    await deleteAccount(deps, callerOf(req), body);
    await endSession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  return r;
}
