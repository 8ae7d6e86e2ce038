import helmet from 'helmet';
import { createHmac } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler, Response } from 'express';

/**
 * helmet with a strict CSP: scripts only from our own origin, no inline script, no remote
 * images (web beacons), no framing. It is the second line of defence behind the sanitizer.
 */
export function securityHeaders(isProduction: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: isProduction ? { maxAge: 15552000, includeSubDomains: true } : false,
  });
}

export const CSRF_COOKIE = 'agora.csrf';

/**
 * Double-submit signed-cookie CSRF (csrf-csrf) on every state-changing request: the token is an
 * HMAC, keyed by a secret derived from the session secret, of a random value and the caller's
 * session; the same token rides in an httpOnly, SameSite=Strict cookie and must come back in the
 * `X-CSRF-Token` header. Nothing is stored, so an anonymous visitor (or a crawler) asking for a
 * token costs no session. A signed-in caller's token is bound to their session id: it stops working
 * at sign-out, and a token from before sign-in stops working at sign-in (login and register answer
 * a new one). An anonymous token is bound to its cookie only, which is what login, register and
 * other anonymous writes need.
 */
export function csrfProtection(opts: { secret: string; secure: boolean }) {
  const key = createHmac('sha256', opts.secret).update('agora csrf token key').digest('base64url');
  // Browsers keep a __Host- cookie only when it is Secure, host-only and on path /.
  const cookieName = opts.secure ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE;
  const cookieOptions = { sameSite: 'strict', secure: opts.secure, httpOnly: true, path: '/' } as const;
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => key,
    getSessionIdentifier: (req) => (req.user ? req.sessionID : ''),
    cookieName,
    cookieOptions,
    getCsrfTokenFromRequest: (req) => {
      const h = req.headers['x-csrf-token'];
      return typeof h === 'string' ? h : undefined;
    },
  });
  return {
    /** The caller's token (a new one with `overwrite`); sets its cookie on the response. */
    generateToken: (req: Request, overwrite = false) => generateCsrfToken(req, req.res!, { overwrite }),
    protect: [cookieParser(), doubleCsrfProtection as RequestHandler],
    clearCookie: (res: Response) => void res.clearCookie(cookieName, cookieOptions),
  };
}

/**
 * For a page whose path or content holds a secret (a reset, verification or opt-out link's token,
 * the development outbox): no request from it carries the URL away in a Referer, and no index or
 * cache keeps it. The one place these headers are chosen.
 */
export const PRIVATE_PAGE_HEADERS = { 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex', 'Cache-Control': 'no-store' } as const;

export const privatePage: RequestHandler = (_req, res, next) => {
  res.set(PRIVATE_PAGE_HEADERS);
  next();
};
