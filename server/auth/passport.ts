import passport from 'passport';
import type { UserStore } from '../store/users.js';
import { judgedBy } from './policy.js';

/**
 * One Passport per app (tests build several apps in one process). It keeps who is signed in on
 * the session (the user id) and reads the account afresh on every request; checking a password is
 * the auth service's (signIn), so no strategy is registered. `now`: the app's clock, which the
 * account carries so the policy reads its ban's end by it.
 */
export function createPassport(users: Pick<UserStore, 'get'>, now?: () => number): passport.Authenticator {
  const pp = new passport.Passport();
  pp.serializeUser((user, done) => done(null, user.id));
  pp.deserializeUser((id: unknown, done) => {
    if (typeof id !== 'string') return done(null, false);
    // A deleted user's session simply stops being signed in.
    users.get(id).then((u) => done(null, u ? judgedBy(u, now) : false), (err) => done(err));
  });
  return pp;
}
