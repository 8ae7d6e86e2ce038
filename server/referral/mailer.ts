import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { SmtpSender, type SendOutcome } from './smtp.js';

/** Sends one rendered invite; never queues, never retries on its own. */
export interface InviteMailer {
  readonly kind: 'smtp' | 'preview';
  deliver(message: MailComposerOptions, recipient: string): Promise<SendOutcome>;
  /** For /readyz; absent for the preview. */
  verify?: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Renders the message and checks its envelope: exactly the one recipient the form named. A
 * mismatch would be a bug (the input rules make it impossible) and is refused before any send.
 */
async function render(message: MailComposerOptions, recipient: string): Promise<{ from: string; raw: Buffer }> {
  const node = new MailComposer(message).compile();
  const envelope = node.getEnvelope();
  if (!envelope.from || envelope.to.length !== 1 || envelope.to[0]!.toLowerCase() !== recipient.toLowerCase()) {
    throw new Error('invite envelope is not exactly the one recipient');
  }
  return { from: envelope.from, raw: await node.build() };
}

export function createInviteMailer(config: Config, logger: Logger): InviteMailer {
  if (config.smtpUrl) {
    const smtp = new SmtpSender(config.smtpUrl);
    return {
      kind: 'smtp',
      async deliver(message, recipient) {
        const { from, raw } = await render(message, recipient);
        return smtp.send({ from, to: recipient }, raw);
      },
      verify: () => smtp.verify(),
      close: () => smtp.close(),
    };
  }
  // Development without SMTP_URL: render the invite as it would go out, then drop it.
  return {
    kind: 'preview',
    async deliver(message, recipient) {
      await render(message, recipient);
      logger.info({ referral: 'preview' }, 'one referral invite rendered and discarded (no SMTP_URL is set)');
      return { outcome: 'sent' };
    },
    close: async () => {},
  };
}
