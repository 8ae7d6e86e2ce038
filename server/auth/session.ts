import session, { type SessionData } from 'express-session';
import type { RequestHandler } from 'express';
import type { SessionStore } from '../store/sessions.js';

export const SESSION_COOKIE = 'agora.sid';

/** A session ends `idleMs` after its last request, and `absoluteMs` after it began whatever happens. */
export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

/**
 * The idle deadline moves forward only once this share of the idle window has passed since it was
 * last set, so an active member costs one session write per tenth of the window (17 hours with
 * the 7-day default), not one per request. The price: a session may end up to that much earlier
 * than a full idle window after its last request.
 */
const REFRESH_AFTER_SHARE = 0.1;

type Cb = (err?: unknown, data?: SessionData | null) => void;

/** When the session ends unless a request moves its idle deadline (null: written before lifetimes). */
export function sessionEndsAt(sess: SessionData): number | null {
  const deadlines = [sess.idleUntil, sess.absoluteUntil].filter((d): d is number => typeof d === 'number');
  return deadlines.length ? Math.min(...deadlines) : null;
}

/**
 * express-session's Store on Agora's own session store, so memory and Redis behave alike. It also
 * keeps the session's lifetime: the deadlines live in the session record (so every process, and a
 * test's clock, read the same ones), the stored key expires at the idle deadline, and a record past
 * either deadline reads as no session at all. `touch`, which express-session calls on every request
 * that did not change the session, writes only when the idle deadline is due to move; otherwise it
 * answers at once and the response is not held for the store.
 */
export class AgoraSessionStore extends session.Store {
  constructor(
    private store: SessionStore,
    private lifetime: SessionLifetime,
    private now: () => number = Date.now,
  ) {
    super();
  }

  private static userOf(sess: SessionData): string | null {
    const u = (sess as { passport?: { user?: unknown } }).passport?.user;
    return typeof u === 'string' ? u : null;
  }

  /** True once the session is past its idle or its absolute deadline. */
  ended(sess: SessionData): boolean {
    const endsAt = sessionEndsAt(sess);
    return endsAt !== null && this.now() >= endsAt;
  }

  /** Sets both deadlines on a session about to be written; answers how long its key should live. */
  private stamp(sess: SessionData): number {
    const t = this.now();
    if (sess.absoluteUntil === undefined) {
      // A session written before lifetimes existed began when it signed in.
      const began = sess.createdAt ? Date.parse(sess.createdAt) : NaN;
      sess.absoluteUntil = (Number.isFinite(began) ? Math.min(began, t) : t) + this.lifetime.absoluteMs;
    }
    sess.idleUntil = Math.min(t + this.lifetime.idleMs, sess.absoluteUntil);
    return Math.max(1, sess.idleUntil - t);
  }

  override get = (sid: string, cb: Cb): void => {
    this.store.get(sid).then(
      (raw) => {
        const sess = raw ? (JSON.parse(raw) as SessionData) : null;
        if (!sess || !this.ended(sess)) return cb(undefined, sess);
        this.store.destroy(sid).then(() => cb(undefined, null), (err) => cb(err));
      },
      (err) => cb(err),
    );
  };

  override set = (sid: string, sess: SessionData, cb?: (err?: unknown) => void): void => {
    const ttl = this.stamp(sess);
    this.store.set(sid, JSON.stringify(sess), ttl, AgoraSessionStore.userOf(sess)).then(() => cb?.(), (err) => cb?.(err));
  };

  override touch = (sid: string, sess: SessionData, cb?: (err?: unknown) => void): void => {
    const sinceRefresh = sess.idleUntil === undefined ? Infinity : this.lifetime.idleMs - (sess.idleUntil - this.now());
    if (sinceRefresh < this.lifetime.idleMs * REFRESH_AFTER_SHARE) return cb?.();
    this.set(sid, sess, cb);
  };

  override destroy = (sid: string, cb?: (err?: unknown) => void): void => {
    this.store.destroy(sid).then(() => cb?.(), (err) => cb?.(err));
  };
}

export interface SessionOptions {
  store: SessionStore;
  secret: string;
  secure: boolean;
  lifetime: SessionLifetime;
  /** The clock the deadlines are read with (tests move it instead of waiting). */
  now?: () => number;
}

export function sessionMiddleware(opts: SessionOptions): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: opts.secret,
    store: new AgoraSessionStore(opts.store, opts.lifetime, opts.now),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // The cookie is only a carrier: the deadlines in the record decide, and a cookie that outlives
    // them names a session that no longer exists.
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: opts.lifetime.absoluteMs, path: '/' },
  });
}

declare module 'express-session' {
  interface SessionData {
    /** The referral code of the landing page this visitor came through, for sign-up attribution. */
    referralCode?: string;
    /** When this sign-in began (shown on the account page). */
    createdAt?: string;
    /** Epoch ms: the session ends if no request comes before then (moved forward by requests). */
    idleUntil?: number;
    /** Epoch ms: the session ends then whatever happens. */
    absoluteUntil?: number;
  }
}
