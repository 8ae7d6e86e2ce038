import type { Logger } from 'pino';
import { InvalidToken, RateLimited } from '../errors.js';
import type { MailTransport } from '../mail/index.js';
import type { MailSender } from '../mail/template.js';
import type { Connections } from '../moderation/deps.js';
import { endOtherSessions, type SessionEnds } from '../account/sessions.js';
import { newToken } from '../store/ids.js';
import { consumeEach, type Limiter } from '../store/rate-limit.js';
import { resetTokenHash, type ResetTokenStore } from '../store/reset-tokens.js';
import { emailKey, type UserStore } from '../store/users.js';
import { hashPassword } from './password.js';
import { resetMessage } from './reset-email.js';

/** A reset link works for an hour (API.md). */
export const RESET_TOKEN_TTL_MS = 3600 * 1000;

/** The ports the password reset uses. */
export interface ResetDeps {
  users: Pick<UserStore, 'findByEmail' | 'get' | 'update'>;
  tokens: Pick<ResetTokenStore, 'issue' | 'take' | 'deleteForUser'>;
  sessions: SessionEnds;
  connections: Pick<Connections, 'closeUser'>;
  mail: MailTransport;
  sender: MailSender;
  publicUrl: string;
  limits: { perAddress: Limiter; perClient: Limiter };
  /** Where the work after the answer runs (see AfterAnswer). */
  later: AfterAnswer;
  logger: Logger;
  now: () => number;
}

/**
 * Work done after the answer has gone out, one piece at a time, in the order asked: so a burst of
 * requests opens one mail connection at a time, and `idle()` (tests, shutdown) means everything
 * asked before it is done. A failure is logged by code only: it may carry an address.
 */
export class AfterAnswer {
  private queue: Promise<void> = Promise.resolve();

  constructor(private logger: Logger) {}

  run(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((err: { code?: string; name?: string }) => {
      this.logger.warn({ passwordReset: 'error', code: err?.code ?? err?.name }, 'password reset mail not handled');
    });
  }

  idle(): Promise<void> {
    return this.queue;
  }
}

/**
 * `POST /api/auth/password-reset`. The answer must not tell whether an account has the address,
 * neither by what it says nor by how long it takes. So the request itself does only what is the
 * same for every address: the two limits (keyed by the address and by the client, both as HMACs
 * inside the limiter, so no key holds the address), then it queues the rest and answers 202.
 * Everything that differs (the look-up, the token, the store write, the SMTP conversation) runs
 * after the answer has been sent, so its duration cannot show in the answer's timing; the
 * queued work also mints and hashes a token when no account has the address, so even the CPU it
 * costs other requests meanwhile is the same, and only the e-mail itself is skipped.
 */
export async function requestPasswordReset(deps: ResetDeps, email: string, clientAddress: string): Promise<void> {
  const address = emailKey(email);
  const gate = await consumeEach([[deps.limits.perAddress, `reset:${address}`], [deps.limits.perClient, clientAddress]]);
  if (!gate.allowed) throw new RateLimited(gate.retryAfterSeconds);
  deps.later.run(() => sendResetMails(deps, address));
}

async function sendResetMails(deps: ResetDeps, address: string): Promise<void> {
  const accounts = await deps.users.findByEmail(address);
  const links = (accounts.length ? accounts : [null]).map((account) => ({ account, token: newToken(32) }));
  for (const { account, token } of links) {
    const hash = resetTokenHash(token);
    if (!account) continue;
    await deps.tokens.issue(hash, account.id, deps.now(), RESET_TOKEN_TTL_MS);
    const sent = await deps.mail.deliver(resetMessage(deps.sender, {
      to: account.email,
      username: account.username,
      resetUrl: `${deps.publicUrl}/reset/${token}`,
    }), account.email);
    // The outcome and codes only: never the address, the account or the token.
    if (sent.outcome === 'sent') deps.logger.info({ passwordReset: 'sent' }, 'password reset mail handled');
    else deps.logger.warn({ passwordReset: sent.outcome, code: sent.code, responseCode: sent.responseCode }, 'password reset mail not confirmed by the mail server');
  }
}

/**
 * `POST /api/auth/password-reset/confirm`: the token is taken (once, atomically) before anything
 * else, then the password set; every other reset link of the account stops working, and every
 * session and socket of the account ends, on every process. A deleted account's token is as
 * invalid as an unknown one.
 */
export async function confirmPasswordReset(deps: ResetDeps, token: string, password: string): Promise<void> {
  const userId = await deps.tokens.take(resetTokenHash(token), deps.now());
  const user = userId ? await deps.users.get(userId) : null;
  if (!user) throw new InvalidToken();
  await deps.users.update(user.id, { passwordHash: await hashPassword(password) });
  await deps.tokens.deleteForUser(user.id);
  await endOtherSessions(deps.sessions, user.id);
  deps.connections.closeUser(user.id);
}
