import { PassThrough } from 'node:stream';
import SMTPConnection, { type SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';

/**
 * How one send ended, as far as the exactly-once promise cares:
 * - `sent`: the server accepted the message (250 after the data);
 * - `failed`: nothing can have been accepted: the server was never reached, refused the sender, the
 *   recipient or the message with a 4xx/5xx reply, or the session broke before the end of the data
 *   was handed over. Sending again later is safe;
 * - `unknown`: the end of the data was handed over and no reply came (dropped connection, timeout).
 *   The server may have accepted the message, so it must never be sent again.
 * `code`, `responseCode` and `command` are nodemailer's codes; the reply text is never kept
 * (it can hold the recipient's address).
 */
export type SendOutcome =
  | { outcome: 'sent' }
  | { outcome: 'failed' | 'unknown'; code: string; responseCode?: number; command?: string };

export interface Envelope { from: string; to: string }

// Bounded waits, since the send happens inside the member's request.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000, dnsTimeout: 10_000 };
/** No send takes longer than this, whatever the server trickles. */
export const SEND_DEADLINE_MS = 45_000;

type Phase = 'connecting' | 'envelope' | 'handed-over';

interface SmtpError { code?: unknown; responseCode?: unknown; command?: unknown }

/** Turns a failed send into an outcome, by how far the message got when it failed. */
export function classify(err: SmtpError, phase: Phase): Exclude<SendOutcome, { outcome: 'sent' }> {
  const code = typeof err.code === 'string' ? err.code : 'EUNKNOWN';
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const command = typeof err.command === 'string' ? err.command : undefined;
  const details = { code, ...(responseCode ? { responseCode } : {}), ...(command ? { command } : {}) };
  // Before the end of the data went out, no server can have accepted the message.
  if (phase !== 'handed-over') return { outcome: 'failed', ...details };
  // After it, only a 4xx/5xx reply to the data is a definite refusal.
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) return { outcome: 'failed', ...details };
  return { outcome: 'unknown', ...details };
}

/**
 * `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; query options
 * `requireTLS=true`, `ignoreTLS=true`, `tls.rejectUnauthorized=false`, `tls.servername=…`.
 * Anything else in the query is ignored: in particular nothing turns on nodemailer's own logging,
 * which would write the recipient's address.
 */
export function smtpOptions(url: string): { options: SMTPConnectionOptions; auth?: { user: string; pass: string } } {
  const u = new URL(url);
  const q = u.searchParams;
  const tls: { rejectUnauthorized?: boolean; servername?: string } = {};
  if (q.get('tls.rejectUnauthorized') === 'false') tls.rejectUnauthorized = false;
  if (q.get('tls.servername')) tls.servername = q.get('tls.servername')!;
  const options: SMTPConnectionOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 587,
    secure: u.protocol === 'smtps:',
    requireTLS: q.get('requireTLS') === 'true',
    ignoreTLS: q.get('ignoreTLS') === 'true',
    tls,
    ...TIMEOUTS,
    logger: false,
    debug: false,
    transactionLog: false,
  };
  const auth = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined;
  return { options, ...(auth ? { auth } : {}) };
}

export class SmtpSender {
  private readonly options: SMTPConnectionOptions;
  private readonly auth: { user: string; pass: string } | undefined;
  /** Sends in flight, each with the way to end it (used at shutdown). */
  private readonly inFlight = new Map<SMTPConnection, (err: SmtpError) => void>();

  constructor(url: string) {
    ({ options: this.options, auth: this.auth } = smtpOptions(url));
  }

  /** One connection per message: connect, authenticate when configured, send, quit. */
  send(envelope: Envelope, message: Buffer): Promise<SendOutcome> {
    return new Promise((resolve) => {
      const conn = new SMTPConnection(this.options);
      let phase: Phase = 'connecting';
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        this.inFlight.delete(conn);
        if (outcome.outcome === 'sent') conn.quit();
        else conn.close();
        resolve(outcome);
      };
      const fail = (err: SmtpError) => finish(classify(err, phase));
      const deadline = setTimeout(() => fail({ code: 'ETIMEDOUT' }), SEND_DEADLINE_MS);
      // The connection reports most failures as an 'error' event before (or instead of) a callback.
      conn.on('error', fail);
      this.inFlight.set(conn, fail);

      const transmit = () => {
        phase = 'envelope';
        const source = new PassThrough();
        // The data stream adds the final "." only after this source has ended: until then, the
        // server cannot have accepted anything.
        source.once('end', () => (phase = 'handed-over'));
        conn.send({ from: envelope.from, to: [envelope.to] }, source, (err) => (err ? fail(err) : finish({ outcome: 'sent' })));
        source.end(message);
      };
      conn.connect((err) => {
        if (err) return fail(err);
        if (!this.auth) return transmit();
        conn.login(this.auth, (loginErr) => (loginErr ? fail(loginErr) : transmit()));
      });
    });
  }

  /** Readiness: the server answers, and accepts our credentials when we have some. */
  verify(): Promise<void> {
    return new Promise((resolve, reject) => {
      const conn = new SMTPConnection(this.options);
      let done = false;
      const end = (err?: SmtpError) => {
        if (done) return;
        done = true;
        if (err) {
          conn.close();
          reject(Object.assign(new Error('mail server unavailable'), { code: typeof err.code === 'string' ? err.code : 'EUNKNOWN' }));
        } else {
          conn.quit();
          resolve();
        }
      };
      conn.on('error', end);
      conn.connect((err) => {
        if (err) return end(err);
        if (!this.auth) return end();
        conn.login(this.auth, (loginErr) => end(loginErr ?? undefined));
      });
    });
  }

  /** Shutdown: a send still in flight ends now, classified by how far it got, and its request is answered. */
  async close(): Promise<void> {
    for (const fail of [...this.inFlight.values()]) fail({ code: 'ESHUTDOWN' });
  }
}
