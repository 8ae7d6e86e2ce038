import type { Logger } from 'pino';
import { InvalidToken, RateLimited } from '../errors.js';
import type { MailTransport, SendOutcome } from '../mail/index.js';
import type { MailSender } from '../mail/template.js';
import { newToken } from '../store/ids.js';
import type { Limiter } from '../store/rate-limit.js';
import { resetTokenHash, type ResetTokenStore } from '../store/reset-tokens.js';
import { emailKey, type UserRecord, type UserStore } from '../store/users.js';
import { addressChangedMessage, verifyMessage } from './verify-email.js';

/** A verification link works for 7 days (API.md). */
export const VERIFY_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;

/** The ports e-mail verification uses. */
export interface VerifyDeps {
  users: Pick<UserStore, 'get' | 'update'>;
  /** The single-use link store, its `verify` instance (kept apart from reset links). */
  tokens: ResetTokenStore;
  mail: MailTransport;
  sender: MailSender;
  publicUrl: string;
  /** Resends per account. */
  resendLimiter: Limiter;
  logger: Logger;
  now: () => number;
}

/**
 * A token is `<account id>.<256 random bits>`. The store keeps only a hash of the token together
 * with the address it was sent to, so a link is bound to that address: once the account has
 * another address, the hash it would be looked up by is a different one and the link is
 * `invalid_token`, with no state to keep in step. The account id in it is public anyway (every
 * post shows it) and only says where to look.
 */
const hashFor = (token: string, address: string) => resetTokenHash(`${token}\n${emailKey(address)}`);
const accountOf = (token: string) => {
  const dot = token.indexOf('.');
  return dot > 0 ? token.slice(0, dot) : null;
};

/** Mints a link for the account's current address and mails it. Logs the outcome only. */
export async function sendVerification(deps: VerifyDeps, user: UserRecord): Promise<void> {
  const token = `${user.id}.${newToken(32)}`;
  await deps.tokens.issue(hashFor(token, user.email), user.id, deps.now(), VERIFY_TOKEN_TTL_MS);
  const sent = await deps.mail.deliver(verifyMessage(deps.sender, {
    to: user.email, username: user.username, verifyUrl: `${deps.publicUrl}/verify/${token}`,
  }), user.email);
  logOutcome(deps, 'verification', sent);
}

/**
 * After `PATCH /api/me` changed the address: the old links go (they could no longer verify
 * anything anyway), a link goes to the new address and a notice, with no link, to the old one.
 */
export async function addressChanged(deps: VerifyDeps, before: UserRecord, after: UserRecord): Promise<void> {
  await deps.tokens.deleteForUser(after.id);
  await sendVerification(deps, after);
  const sent = await deps.mail.deliver(addressChangedMessage(deps.sender, {
    to: before.email, username: after.username, siteUrl: deps.publicUrl,
  }), before.email);
  logOutcome(deps, 'address-changed notice', sent);
}

/**
 * For sign-up and the change of address, whose own work is done by then: a mail that cannot be
 * sent (or a store that fails) is logged by code and left to a resend, never failing the request.
 */
export async function inBackground(deps: Pick<VerifyDeps, 'logger'>, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    const e = err as { code?: string; name?: string };
    deps.logger.warn({ emailVerification: 'error', code: e?.code ?? e?.name }, 'verification mail not handled');
  }
}

/** `POST /api/auth/verify-email`: takes the token once and marks the address it was sent to verified. */
export async function verifyEmail(deps: VerifyDeps, token: string): Promise<UserRecord> {
  const id = accountOf(token);
  const user = id ? await deps.users.get(id) : null;
  if (!user || !(await deps.tokens.take(hashFor(token, user.email), deps.now()))) throw new InvalidToken();
  const updated = await deps.users.update(user.id, { emailVerified: true });
  if (!updated) throw new InvalidToken();
  // The address changed between the look-up and the write: that change already set the flag
  // false, and this write must not undo it for an address the link was never sent to.
  if (emailKey(updated.email) !== emailKey(user.email)) {
    await deps.users.update(user.id, { emailVerified: false });
    throw new InvalidToken();
  }
  return updated;
}

/** `POST /api/auth/verify-email/resend`: a fresh link, a few times an hour per account; nothing to do once verified. */
export async function resendVerification(deps: VerifyDeps, user: UserRecord): Promise<void> {
  const hit = await deps.resendLimiter.consume(user.id);
  if (!hit.allowed) throw new RateLimited(hit.retryAfterSeconds);
  if (user.emailVerified === true) return;
  await sendVerification(deps, user);
}

// The outcome and codes only: never the address, the account or the token.
function logOutcome(deps: VerifyDeps, what: string, sent: SendOutcome) {
  if (sent.outcome === 'sent') deps.logger.info({ emailVerification: 'sent' }, `${what} mail handled`);
  else deps.logger.warn({ emailVerification: sent.outcome, code: sent.code, responseCode: sent.responseCode }, `${what} mail not confirmed by the mail server`);
}

/** What sign-up and the account service call (built once in app.ts). */
export const verificationHooks = (deps: VerifyDeps) => ({
  onSignUp: (user: UserRecord) => inBackground(deps, () => sendVerification(deps, user)),
  addressChanged: (before: UserRecord, after: UserRecord) => inBackground(deps, () => addressChanged(deps, before, after)),
  forget: (userId: string) => deps.tokens.deleteForUser(userId),
});
