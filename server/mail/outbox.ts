import type { Logger } from 'pino';
import { newId } from '../store/ids.js';
import { compose, type MailMessage, type MailTransport } from './transport.js';

/** Where the outbox is read (server/mail/dev-routes.ts). */
export const DEV_MAIL_PATH = '/dev/mail';

/** One message as the outbox shows it: what a mail client would show of it. */
export interface OutboxMessage {
  id: string;
  /** When it was "sent", ISO-8601. */
  at: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
}

type Addresses = MailMessage['to'];

function addressText(a: Addresses): string {
  if (!a) return '';
  if (Array.isArray(a)) return a.map(addressText).join(', ');
  if (typeof a === 'string') return a;
  return a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '');
}

const bodyText = (part: MailMessage['text']): string | null =>
  typeof part === 'string' ? part.replace(/\r\n/g, '\n') : Buffer.isBuffer(part) ? part.toString('utf8').replace(/\r\n/g, '\n') : null;

/**
 * The development outbox: the last `capacity` messages, newest first, in this process's memory
 * and nowhere else (no store, no log), gone when the process stops. It exists only outside
 * production without SMTP_URL, so that a developer can follow an invite or verification link
 * without a mail server; a friend's name and address in an invite stay on that machine, briefly.
 */
export class DevOutbox {
  private messages: OutboxMessage[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    readonly capacity = 50,
  ) {}

  add(message: Omit<OutboxMessage, 'id' | 'at'>): OutboxMessage {
    const kept = { id: newId(), at: new Date(this.now()).toISOString(), ...message };
    this.messages = [kept, ...this.messages].slice(0, this.capacity);
    return kept;
  }

  list(): readonly OutboxMessage[] {
    return this.messages;
  }

  get(id: string): OutboxMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }
}

/**
 * The transport used outside production without SMTP_URL: the message is built and checked as the
 * mail server would get it, then kept in the outbox instead of sent. The log says only that one
 * went there: never to whom, nor what it says.
 */
export function outboxTransport(outbox: DevOutbox, logger: Logger): MailTransport {
  return {
    kind: 'outbox',
    outboxPath: DEV_MAIL_PATH,
    async deliver(message, recipient) {
      const { from } = await compose(message, recipient);
      outbox.add({
        from: addressText(message.from) || from,
        to: addressText(message.to),
        subject: message.subject ?? '',
        text: bodyText(message.text) ?? '',
        html: bodyText(message.html),
      });
      logger.info({ mail: 'outbox' }, `one e-mail kept in the development outbox, not sent (no SMTP_URL is set): see ${DEV_MAIL_PATH}`);
      return { outcome: 'sent' };
    },
    close: async () => {},
  };
}
