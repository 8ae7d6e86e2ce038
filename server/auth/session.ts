import session, { type SessionData } from 'express-session';
import type { RequestHandler } from 'express';
import type { SessionStore } from '../store/sessions.js';

export const SESSION_COOKIE = 'agora.sid';
const DEFAULT_TTL_MS = 14 * 24 * 3600 * 1000;

type Cb = (err?: unknown, data?: SessionData | null) => void;

/**
 * express-session's Store on Agora's own session store, so memory and Redis behave alike. It has
 * no `touch`: the cookie is not rolling, so a session ends 14 days after sign-in whatever happens,
 * and express-session would otherwise hold every response for one more store write to extend a
 * record the browser's cookie will not outlive.
 */
export class AgoraSessionStore extends session.Store {
  constructor(private store: SessionStore) {
    super();
  }

  private ttl(sess: SessionData): number {
    const maxAge = sess.cookie?.maxAge;
    return typeof maxAge === 'number' && maxAge > 0 ? maxAge : DEFAULT_TTL_MS;
  }

  private static userOf(sess: SessionData): string | null {
    const u = (sess as { passport?: { user?: unknown } }).passport?.user;
    return typeof u === 'string' ? u : null;
  }

  override get = (sid: string, cb: Cb): void => {
    this.store.get(sid).then(
      (raw) => cb(undefined, raw ? (JSON.parse(raw) as SessionData) : null),
      (err) => cb(err),
    );
  };

  override set = (sid: string, sess: SessionData, cb?: (err?: unknown) => void): void => {
    this.store.set(sid, JSON.stringify(sess), this.ttl(sess), AgoraSessionStore.userOf(sess)).then(() => cb?.(), (err) => cb?.(err));
  };

  override destroy = (sid: string, cb?: (err?: unknown) => void): void => {
    this.store.destroy(sid).then(() => cb?.(), (err) => cb?.(err));
  };
}

export function sessionMiddleware(opts: { store: SessionStore; secret: string; secure: boolean }): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store: new AgoraSessionStore(opts.store),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: DEFAULT_TTL_MS, path: '/' },
  });
}

declare module 'express-session' {
  interface SessionData {
    /** Set by the CSRF protection (csrf-sync). */
    csrfToken?: string;
    /** The referral code of the landing page this visitor came through, for sign-up attribution. */
    referralCode?: string;
    /** When this sign-in began (shown on the account page). */
    createdAt?: string;
  }
}
