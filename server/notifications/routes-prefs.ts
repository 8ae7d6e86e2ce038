// `GET /api/me/preferences` and `PATCH` (API.md, Notifications): the signed-in member's e-mail
// preferences, read and changed only by themselves; a patch is parsed strictly (unknown fields and
// an empty patch are 400) and answered with the preferences after it.
import { Router } from 'express';
import { requireUser } from '../auth/guards.js';
import { parse } from '../http/validate.js';
import type { NotificationStore } from '../store/notifications.js';
import { preferencesPatch, type NotificationAnswers } from '../../shared/schemas/notifications.js';

export function preferencesRoutes(deps: { notifications: Pick<NotificationStore, 'preferences' | 'setPreferences'> }): Router {
  const r = Router();
  r.use(requireUser);
  r.get('/', async (req, res) => {
    const answer: NotificationAnswers['preferences'] = { preferences: await deps.notifications.preferences(req.user!.id) };
    res.json(answer);
  });
  r.patch('/', async (req, res) => {
    const patch = parse(preferencesPatch, req.body);
    const answer: NotificationAnswers['preferences'] = { preferences: await deps.notifications.setPreferences(req.user!.id, patch) };
    res.json(answer);
  });
  return r;
}
