// A member's e-mail preferences (API.md, Notifications): read and changed by the member themself,
// or one kind switched off by the one-click opt-out link of a notification or digest e-mail.
import { NotFound } from '../errors.js';
import type { NotificationStore } from '../store/notifications.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { Preferences } from '../../shared/schemas/notifications.js';
import { stopping, type UnsubscribeKind, type UnsubscribeTokens } from './mail/unsubscribe-token.js';

export interface PreferencesDeps {
  notifications: Pick<NotificationStore, 'preferences' | 'setPreferences'>;
}

export const preferencesOf = (deps: PreferencesDeps, member: Pick<UserRecord, 'id'>): Promise<Preferences> =>
  deps.notifications.preferences(member.id);

/** Applies the patch (parsed strictly by the route); answers the preferences after it. */
export const changePreferences = (deps: PreferencesDeps, member: Pick<UserRecord, 'id'>, patch: Partial<Preferences>): Promise<Preferences> =>
  deps.notifications.setPreferences(member.id, patch);

export interface OptOutDeps {
  tokens: Pick<UnsubscribeTokens, 'verify'>;
  notifications: Pick<NotificationStore, 'setPreferences'>;
  users: Pick<UserStore, 'get'>;
}

const notOurs = () => new NotFound('This unsubscribe link is not valid.');

/** What an opt-out link would switch off; NotFound for a link Agora did not make. */
export function optOutKind(deps: Pick<OptOutDeps, 'tokens'>, token: string): UnsubscribeKind {
  const found = deps.tokens.verify(token);
  if (!found) throw notOurs();
  return found.kind;
}

/** Switches off the kind the link names, at once; answers that kind. NotFound for a link Agora did not make. */
export async function optOut(deps: OptOutDeps, token: string): Promise<UnsubscribeKind> {
  const found = deps.tokens.verify(token);
  if (!found) throw notOurs();
  // A deleted account has nothing to switch off, and must not get a preferences record back.
  if (await deps.users.get(found.userId)) await deps.notifications.setPreferences(found.userId, stopping(found.kind));
  return found.kind;
}
