import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { SendOutcome } from './smtp.js';

/** One e-mail as a fixed template builds it (nodemailer's message options). */
export type MailMessage = MailComposerOptions;

/**
 * Where every e-mail Agora sends goes: the mail server (`smtp`) or, outside production without
 * `SMTP_URL`, the development outbox. A transport sends once: it never queues and never retries on
 * its own, so a caller's exactly-once rules (a referral's form token) hold whichever is in use.
 */
export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  /** Sends `message` to `recipient`, its one and only recipient. */
  deliver(message: MailMessage, recipient: string): Promise<SendOutcome>;
  /** Where a developer reads what was "sent" (`/dev/mail`); only the outbox has one. */
  readonly outboxPath?: string;
  /** Readiness (/readyz): the mail server answers. Absent for the outbox, which is always ready. */
  verify?: () => Promise<void>;
  /** Shutdown: a send in flight ends now and its caller gets its outcome. */
  close(): Promise<void>;
}

/**
 * What an answer adds when its e-mail went to the development outbox instead of a mail server:
 * `{outbox: "/dev/mail"}`, the same whoever the address was (so it tells nothing about it), and
 * nothing at all with a mail server.
 */
export const outboxField = (mail: Pick<MailTransport, 'outboxPath'> | undefined): { outbox?: string } =>
  mail?.outboxPath ? { outbox: mail.outboxPath } : {};

/**
 * Builds the message as it goes out and checks its envelope: exactly the one recipient the caller
 * named. A mismatch would be a bug (the input rules make it impossible) and is refused before any
 * send, by every transport alike.
 */
export async function compose(message: MailMessage, recipient: string): Promise<{ from: string; raw: Buffer }> {
  const node = new MailComposer(message).compile();
  const envelope = node.getEnvelope();
  if (!envelope.from || envelope.to.length !== 1 || envelope.to[0]!.toLowerCase() !== recipient.toLowerCase()) {
    throw new Error('mail envelope is not exactly the one recipient');
  }
  return { from: envelope.from, raw: await node.build() };
}
