import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { UserStore } from '../store/users.js';
import { dummyHash, verifyPassword } from './password.js';

/** One Passport per app (tests build several apps in one process). */
export function createPassport(users: UserStore): passport.Authenticator {
  const pp = new passport.Passport();
  pp.use(
    new LocalStrategy({ session: true }, (username, password, done) => {
      (async () => {
        const user = username.length <= 32 ? await users.findByUsername(username) : null;
        // Unknown users cost one scrypt too, so the answer takes the same time either way.
        const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
        return ok && user ? user : false;
      })().then((u) => done(null, u), (err) => done(err));
    }),
  );
  pp.serializeUser((user, done) => done(null, user.id));
  pp.deserializeUser((id: unknown, done) => {
    if (typeof id !== 'string') return done(null, false);
    // A deleted user's session simply stops being signed in.
    users.get(id).then((u) => done(null, u ?? false), (err) => done(err));
  });
  return pp;
}
