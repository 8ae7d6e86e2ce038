// `GET /api/me/preferences` and `PATCH` (API.md, Notifications): the signed-in member's e-mail
// preferences, read and changed only by themselves; a patch is parsed strictly (unknown fields and
// an empty patch are 400) and answered with the preferences after it.
import { Router } from 'express';
import { requireUser } from '../auth/guards.js';
import { parse } from '../http/validate.js';
import { preferencesPatch, type NotificationAnswers } from '../../shared/schemas/notifications.js';
import { changePreferences, preferencesOf, type PreferencesDeps } from './preferences.js';

export function preferencesRoutes(deps: PreferencesDeps): Router {
  const r = Router();
  r.use(requireUser);
  r.get('/', async (req, res) => {
    const answer: NotificationAnswers['preferences'] = { preferences: await preferencesOf(deps, req.user!) };
    res.json(answer);
  });
  r.patch('/', async (req, res) => {
    const patch = parse(preferencesPatch, req.body);
    const answer: NotificationAnswers['preferences'] = { preferences: await changePreferences(deps, req.user!, patch) };
    res.json(answer);
  });
  return r;
}
