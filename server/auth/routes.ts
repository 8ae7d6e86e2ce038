import { Router, type Request, type Response } from 'express';
import type passport from 'passport';
import { parse } from '../http/validate.js';
import type { UserRecord } from '../store/users.js';
import { signIn, signUp, type SignInDeps } from './service.js';
import { toPublicUser } from './users.js';
import { SESSION_COOKIE } from './session.js';
import { outboxField, type MailTransport } from '../mail/transport.js';
import { Unauthenticated } from '../errors.js';
import { loginBody, registerBody } from '../../shared/schemas/index.js';

export interface AuthDeps extends SignInDeps {
  passport: passport.Authenticator;
  generateCsrfToken: (req: Request, overwrite?: boolean) => string;
  /** Drops the CSRF cookie at sign-out (its token was bound to the session that ended). */
  clearCsrfCookie: (res: Response) => void;
  /** Closes the sockets of a session that ended, on every process. */
  closeSessionSockets: (sessionId: string) => void;
  /** Where the verification e-mail went: its development outbox is named in the sign-up's answer. */
  mail?: Pick<MailTransport, 'outboxPath'>;
}

const logIn = async (req: Request, user: UserRecord, now: () => number = Date.now) => {
  await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
  req.session.createdAt = new Date(now()).toISOString();
};

export function authRoutes(deps: AuthDeps): Router {
  const r = Router();
  const ip = (req: Request) => req.ip ?? 'unknown';

  // Stateless (see csrfProtection): an anonymous visitor gets a token and a cookie, and no session.
  r.get('/csrf', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ token: deps.generateCsrfToken(req) });
  });

  r.post('/register', async (req, res) => {
    const body = parse(registerBody, req.body);
    const referralCode = typeof req.session.referralCode === 'string' ? req.session.referralCode : undefined;
    const user = await signUp(deps, body, ip(req), referralCode);
    await logIn(req, user, deps.now); // regenerates the session id
    res.status(201).json({ user: toPublicUser(user, true), csrfToken: deps.generateCsrfToken(req, true), ...outboxField(deps.mail) });
  });

  r.post('/login', async (req, res) => {
    const user = await signIn(deps, parse(loginBody, req.body), ip(req));
    await logIn(req, user, deps.now);
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

  // What a page asks on load: anonymous is an answer here, not an error, so a visitor's console
  // holds no 401 (an addition to API.md; /me keeps its 401).
  r.get('/session', (req, res) => {
    res.json({ user: req.user ? toPublicUser(req.user, true) : null });
  });

  return r;
}
