import type { RequestHandler, Router } from 'express';
import addressparser from 'nodemailer/lib/addressparser';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Stores } from '../store/index.js';
import type { UserStore } from '../store/users.js';
import type { MailTransport } from '../mail/index.js';
import { OptOutKeys } from './optout.js';
import { referralPages } from './pages.js';
import { referralApi } from './routes.js';
import { PendingOutcomes } from './service.js';

export interface ReferralDeps {
  config: Config;
  /** The referral store, the limiters, and the two user lookups (by referral code, referred count). */
  stores: Pick<Stores, 'referrals' | 'limiters'> & { users: Pick<UserStore, 'findByReferralCode' | 'countReferredBy'> };
  logger: Logger;
  /** express-session, for the landing page to remember the referral code until sign-up. */
  session: RequestHandler;
  /** The process's one mail transport (server/mail): the mail server, or the development outbox. */
  mail: MailTransport;
}

export interface ReferralModule {
  /** Mounted at /api/referrals, behind JSON parsing, the session, passport and CSRF protection. */
  api: Router;
  /** Mounted at the site root before the web app: GET /r/:referralCode, GET and POST /unsubscribe/:optOutToken. */
  pages: Router;
  /** Stops the background retries; the mail transport is closed by its owner (app.ts). */
  close(): void;
}

const DAY = 24 * 3600;

/** The domain of MAIL_FROM's address, for Message-IDs. */
function mailDomain(config: Config): string {
  const first = addressparser(config.mailFrom, { flatten: true })[0];
  const domain = first?.address?.split('@')[1];
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain.toLowerCase() : new URL(config.publicUrl).hostname;
}

export function referralModule(deps: ReferralDeps): ReferralModule {
  const { config, stores, logger } = deps;
  const optOut = new OptOutKeys(config.optOutSecret);
  const pending = new PendingOutcomes();
  const service = {
    pending,
    store: stores.referrals,
    users: stores.users,
    mailer: deps.mail,
    optOut,
    logger,
    secret: config.optOutSecret,
    publicUrl: config.publicUrl,
    mailFrom: config.mailFrom,
    mailDomain: mailDomain(config),
    postalAddress: config.companyPostalAddress,
    requireVerifiedEmail: config.requireVerifiedEmail,
    limits: {
      perMember: stores.limiters.create('referral-member', config.referralDailyLimit, DAY),
      perIp: stores.limiters.create('referral-ip', config.referralIpDailyLimit, DAY),
      tokens: stores.limiters.create('referral-tokens', Math.max(50, config.referralDailyLimit * 5), DAY),
    },
  };

  return {
    api: referralApi(service),
    pages: referralPages({ session: deps.session, users: stores.users, store: stores.referrals, optOut }),
    close: () => pending.close(),
  };
}
