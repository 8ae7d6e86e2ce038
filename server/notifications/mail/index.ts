// Builds notification e-mail for app.ts: its own job queue (a slow mail server never holds up other
// jobs), the delivery the notification service hands new notifications to, and the one-click
// opt-out routes. The queue's workers start with `delivery.start()` and stop with `close()`.
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Stores } from '../../store/index.js';
import type { MailTransport } from '../../mail/transport.js';
import { createJobQueue } from '../../jobs/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import { DEFAULT_RETRY } from '../../jobs/options.js';
import { MailDelivery } from './delivery.js';
import { PERIOD_MS } from './digest.js';
import { unsubscribeRoutes } from './unsubscribe-routes.js';
import { UnsubscribeTokens } from './unsubscribe-token.js';

export { MailDelivery, JOB as NOTIFICATION_JOBS, emailJobId } from './delivery.js';
export { UnsubscribeTokens } from './unsubscribe-token.js';

export interface NotificationMailDeps {
  config: Pick<Config, 'optOutSecret' | 'publicUrl' | 'mailFrom' | 'companyPostalAddress' | 'notifyEmailDelayMs' | 'jobRetryDelayMs'>;
  stores: Pick<Stores, 'notifications' | 'users' | 'forum' | 'limiters' | 'jobQueue'>;
  mail: MailTransport;
  logger: Logger;
  now: () => number;
}

export interface NotificationMail {
  delivery: MailDelivery;
  /** The queue the delivery runs on (tests look at job states). */
  queue: JobQueue;
  /** `/unsubscribe/e/:token`, mounted at the site root (outside /api and its CSRF check). */
  routes: ReturnType<typeof unsubscribeRoutes>;
  tokens: UnsubscribeTokens;
}

export function buildNotificationMail({ config, stores, mail, logger, now }: NotificationMailDeps): NotificationMail {
  const retry = { ...DEFAULT_RETRY, backoffMs: config.jobRetryDelayMs };
  const queue = createJobQueue(stores, { name: 'notify-mail', logger, now, retry });
  const tokens = new UnsubscribeTokens(config.optOutSecret);
  const delivery = new MailDelivery({
    queue, logger, now, retry, tokens, mail,
    notifications: stores.notifications, users: stores.users, forum: stores.forum,
    sender: { from: config.mailFrom, postalAddress: config.companyPostalAddress },
    publicUrl: config.publicUrl,
    delayMs: config.notifyEmailDelayMs,
    // A week and a day: longer than the longest period, so a claim outlives its digest's retries.
    digestClaims: stores.limiters.create('digest-sent', 1, (PERIOD_MS.weekly + PERIOD_MS.daily) / 1000),
  });
  return { delivery, queue, routes: unsubscribeRoutes({ tokens, notifications: stores.notifications, users: stores.users }), tokens };
}
