import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Stores } from '../store/index.js';
import type { ReadinessCheck } from '../ops/routes.js';

export interface ReferralDeps {
  config: Config;
  stores: Stores;
  logger: Logger;
  /** express-session, for the landing page to remember the referral code until sign-up. */
  session: RequestHandler;
}

export interface ReferralModule {
  /** Mounted at /api/referrals, behind JSON parsing, the session, passport and CSRF protection. */
  api: Router;
  /** Mounted at the site root before the web app: GET /r/:referralCode, GET and POST /unsubscribe/:optOutToken. */
  pages: Router;
  /** The mail server's reachability, for /readyz. */
  readiness?: ReadinessCheck;
  close(): Promise<void>;
}

export function referralModule(_deps: ReferralDeps): ReferralModule {
  return { api: Router(), pages: Router(), close: async () => {} };
}
