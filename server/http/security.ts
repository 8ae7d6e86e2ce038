import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

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

/** Synchronizer-token CSRF (the token lives in the session) for every state-changing request. */
export function csrfProtection() {
  const { generateToken, csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (req) => {
      const h = req.headers['x-csrf-token'];
      return typeof h === 'string' ? h : undefined;
    },
  });
  return { generateToken, protect: csrfSynchronisedProtection as RequestHandler };
}
