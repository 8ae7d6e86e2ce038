import { Router, type Request, type Response } from 'express';
import type passport from 'passport';
import { ApiError } from '../http/errors.js';
import { parse } from '../http/validate.js';
import { consumeEach, type Limiter } from '../store/rate-limit.js';
import type { UserRecord, UserStore } from '../store/users.js';
import { createAccount, UsernameTakenError } from './service.js';
import { toPublicUser } from './users.js';
import { SESSION_COOKIE } from './session.js';
import { Conflict, RateLimited, Unauthenticated } from '../errors.js';
import { loginBody, registerBody } from '../../shared/schemas/index.js';

export interface AuthDeps {
  users: UserStore;
  passport: passport.Authenticator;
  generateCsrfToken: (req: Request, overwrite?: boolean) => string;
  /** Drops the CSRF cookie at sign-out (its token was bound to the session that ended). */
  clearCsrfCookie: (res: Response) => void;
  /** Closes the sockets of a session that ended, on every process. */
  closeSessionSockets: (sessionId: string) => void;
  limits: { loginAccount: Limiter; loginIp: Limiter; registerIp: Limiter };
  /** Called after a sign-up that came through a referral link (counted for the referrer). */
  onSignup?: (user: UserRecord) => void;
}

const logIn = async (req: Request, user: UserRecord) => {
  await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
  req.session.createdAt = new Date().toISOString();
};

const invalidCredentials = () => new ApiError('invalid_credentials', 'The username or password is not right.');

export function authRoutes(deps: AuthDeps): Router {
  const r = Router();
  const ip = (req: Request) => req.ip ?? 'unknown';

  // Stateless (see csrfProtection): an anonymous visitor gets a token and a cookie, and no session.
  r.get('/csrf', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ token: deps.generateCsrfToken(req) });
  });

  r.post('/register', async (req, res) => {
    const body = parse(registerBody, req.body);
    // One atomic consume per sign-up; a taken name counts too, so the route cannot probe names freely.
    const gate = await deps.limits.registerIp.consume(ip(req));
    if (!gate.allowed) throw new RateLimited(gate.retryAfterSeconds);
    const referrerCode = typeof req.session.referralCode === 'string' ? req.session.referralCode : undefined;
    const referrer = referrerCode ? await deps.users.findByReferralCode(referrerCode) : null;
    let user: UserRecord;
    try {
      user = await createAccount(deps.users, { ...body, referredBy: referrer?.id ?? null });
    } catch (err) {
      if (err instanceof UsernameTakenError) throw new Conflict('That username is taken.');
      throw err;
    }
    await logIn(req, user); // regenerates the session id
    res.status(201).json({ user: toPublicUser(user, true), csrfToken: deps.generateCsrfToken(req, true) });
  });

  r.post('/login', async (req, res, next) => {
    const body = parse(loginBody, req.body);
    const account = body.username.toLowerCase();
    // Counted before the password is checked, in one atomic step per limit: a burst of guesses
    // cannot all be checked against a limit they all read before any of them counted.
    const attempt = await consumeEach([[deps.limits.loginAccount, account], [deps.limits.loginIp, ip(req)]]);
    if (!attempt.allowed) throw new RateLimited(attempt.retryAfterSeconds);
    const user = await new Promise<UserRecord | false>((resolve, reject) => {
      deps.passport.authenticate('local', (err: unknown, u: UserRecord | false) => (err ? reject(err) : resolve(u)))(req, res, next);
    });
    if (!user) throw invalidCredentials();
    // The limits count failures: a right password gives its points back. Earlier failures still
    // count until their window ends, so signing in does not hand a guesser a fresh allowance.
    await attempt.refund();
    await logIn(req, user);
    res.json({ user: toPublicUser(user, true), csrfToken: deps.generateCsrfToken(req, true) });
  });

  r.post('/logout', async (req, res) => {
    const sid = req.sessionID; // passport's logout regenerates the session: the old id is the one to end
    await new Promise<void>((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    // The session is gone from the store; its open sockets (every tab of this browser, on any
    // process) would otherwise stay signed in until they reconnect.
    deps.closeSessionSockets(sid);
    deps.clearCsrfCookie(res);
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  r.get('/me', (req, res) => {
    if (!req.user) throw new Unauthenticated();
    res.json({ user: toPublicUser(req.user, true) });
  });

  return r;
}
