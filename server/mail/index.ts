import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ReadinessCheck } from '../ops/routes.js';
import { DevOutbox, outboxTransport } from './outbox.js';
import { SmtpSender } from './smtp.js';
import { compose, type MailTransport } from './transport.js';

export { devMailRoutes } from './dev-routes.js';
export { DEV_MAIL_PATH, DevOutbox, type OutboxMessage } from './outbox.js';
export type { SendOutcome } from './smtp.js';
export type { MailMessage, MailTransport } from './transport.js';

/** The one mail transport of the process, what /readyz asks of it, and the outbox when there is one. */
export interface Mail {
  transport: MailTransport;
  /** Only outside production without SMTP_URL. */
  outbox?: DevOutbox;
  /** The mail server's reachability; absent for the outbox, which cannot be down. */
  readiness?: ReadinessCheck;
  close(): Promise<void>;
}

/** Outside production, no SMTP_URL means the development outbox (in production it is a start-up error, see config.ts). */
export const usesDevOutbox = (config: Pick<Config, 'isProduction' | 'smtpUrl'>): boolean => !config.isProduction && !config.smtpUrl;

/** A healthy mail server is asked again after this long, not on every probe. */
const READY_CACHE_MS = 30_000;

/** Every message over SMTP, one connection each (./smtp.ts says how an outcome is decided). */
export function smtpTransport(url: string): MailTransport {
  const smtp = new SmtpSender(url);
  return {
    kind: 'smtp',
    async deliver(message, recipient) {
      const { from, raw } = await compose(message, recipient);
      return smtp.send({ from, to: recipient }, raw);
    },
    verify: () => smtp.verify(),
    close: () => smtp.close(),
  };
}

export function createMail(config: Pick<Config, 'isProduction' | 'smtpUrl'>, logger: Logger, now: () => number = Date.now): Mail {
  if (usesDevOutbox(config)) {
    const outbox = new DevOutbox(now);
    const transport = outboxTransport(outbox, logger);
    return { transport, outbox, close: () => transport.close() };
  }
  if (!config.smtpUrl) throw new Error('SMTP_URL: required when NODE_ENV=production');
  const transport = smtpTransport(config.smtpUrl);
  let readyUntil = 0;
  const readiness: ReadinessCheck = async () => {
    if (now() < readyUntil) return;
    await transport.verify!();
    readyUntil = now() + READY_CACHE_MS;
  };
  return { transport, readiness, close: () => transport.close() };
}
