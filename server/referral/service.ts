import type { Logger } from 'pino';
import { consumeEach, type LimitResult, type Limiter } from '../store/rate-limit.js';
import type { ReferralStore, TokenOutcome } from '../store/referrals.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { MailTransport, SendOutcome } from '../mail/index.js';
import { inviteMessage } from './invite-email.js';
import type { OptOutKeys } from './optout.js';
import type { ReferralInput } from '../../shared/schemas/index.js';
import { FORM_TOKEN_TTL_MS, inviteMessageId, newFormToken, payloadCheck } from './tokens.js';
import { Conflict, InvalidInput, NotFound, RateLimited, Unavailable } from '../errors.js';
import { authorize } from '../auth/policy.js';

export interface ReferralServiceDeps {
  store: Pick<ReferralStore, 'issueToken' | 'reserve' | 'settle' | 'isOptedOut'>;
  /** Sends the one invite; never queues, never retries on its own. */
  mailer: MailTransport;
  optOut: OptOutKeys;
  logger: Logger;
  /** Keys the payload check and the Message-ID. */
  secret: string;
  publicUrl: string;
  mailFrom: string;
  mailDomain: string;
  postalAddress: string;
  limits: { perMember: Limiter; perIp: Limiter; tokens: Limiter };
  /** Outcomes the store could not take at once, tried again in the background. */
  pending: PendingOutcomes;
  /** REQUIRE_VERIFIED_EMAIL: only a verified member may refer (asked of the policy). */
  requireVerifiedEmail?: boolean;
}

/**
 * A token's outcome that the store could not record when the send ended (the store was lost
 * between reserving the token and settling it) is tried again in the background, about a
 * minute in all, so that one blip does not leave the token reserved for good: after a definite
 * failure the same form then works again. Retrying is safe because the store settles only a
 * token that is still `sending`. Lost with the process, like any send in flight.
 */
export class PendingOutcomes {
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly delaysMs: readonly number[] = [250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000]) {}

  /** Calls `attempt` after each delay until it answers true; `giveUp` after the last. */
  retry(attempt: () => Promise<boolean>, giveUp: () => void, step = 0): void {
    if (this.closed) return;
    if (step >= this.delaysMs.length) return giveUp();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void attempt().then((done) => {
        if (!done) this.retry(attempt, giveUp, step + 1);
      });
    }, this.delaysMs[step]);
    timer.unref();
    this.timers.add(timer);
  }

  get size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** A reserved token keeps its record at least this long, so its outcome outlives the send. */
const MIN_OUTCOME_TTL_MS = 3600 * 1000;

export async function issueFormToken(deps: ReferralServiceDeps, member: UserRecord): Promise<string> {
  // Tokens are cheap to ask for but each is a record in the store: bound them per member.
  const gate = await deps.limits.tokens.consume(member.id);
  if (!gate.allowed) throw new RateLimited(gate.retryAfterSeconds);
  const token = newFormToken();
  await deps.store.issueToken(token, member.id, FORM_TOKEN_TTL_MS);
  return token;
}

/**
 * The referral flow (DESIGN.md): reserve the token, charge the limits, check the opt-out list,
 * send once, record the outcome. Resolves for every answer that is 202; throws for the rest.
 */
export async function submitReferral(deps: ReferralServiceDeps, member: UserRecord, ip: string, input: ReferralInput): Promise<void> {
  authorize(member, 'write:verified', { requireVerifiedEmail: deps.requireVerifiedEmail === true });
  const check = payloadCheck(deps.secret, input.token, input.friendName, input.friendEmail);
  const reservation = await deps.store.reserve(input.token, member.id, check, MIN_OUTCOME_TTL_MS);
  if (reservation.kind === 'invalid') {
    throw new InvalidInput('token', 'This invite form has expired; reload the page to get a fresh one.');
  }
  if (reservation.kind === 'taken') {
    if (reservation.record.check && reservation.record.check !== check) {
      throw new Conflict('This invite form was already used for another friend; reload the page to invite someone else.');
    }
    // Sending (maybe by a process that died), sent, unknown or suppressed: never again, and the same answer.
    return;
  }

  let result: SendOutcome | { outcome: 'suppressed' };
  let charge: LimitResult | undefined;
  try {
    charge = await chargeLimits(deps, member.id, ip);
    // Suppressed referrals count against the limits too: the limits must not tell the referrer either.
    if (await deps.store.isOptedOut(deps.optOut.fingerprintOf(input.friendEmail))) {
      result = { outcome: 'suppressed' };
    } else {
      result = await deps.mailer.deliver(inviteMessage({
        from: deps.mailFrom,
        friendName: input.friendName,
        friendAddress: input.friendEmail,
        memberUsername: member.username,
        joinUrl: `${deps.publicUrl}/r/${encodeURIComponent(member.referralCode)}`,
        optOutUrl: `${deps.publicUrl}/unsubscribe/${deps.optOut.tokenFor(input.friendEmail)}`,
        postalAddress: deps.postalAddress,
        messageId: inviteMessageId(deps.secret, input.token, deps.mailDomain),
      }), input.friendEmail);
    }
  } catch (err) {
    // Nothing was handed to the mail server: put the token back as it was, and the points.
    await charge?.refund();
    await settle(deps, input.token, reservation.previous);
    throw err;
  }

  logOutcome(deps.logger, result);
  await settle(deps, input.token, result.outcome);
  if (result.outcome === 'failed') {
    await charge.refund();
    throw new Unavailable('mail', result.code);
  }
}

/**
 * One atomic check-and-consume per limit; a refused attempt takes nothing from the limit that let
 * it through (consumeEach). The points go back when no email went out for sure.
 */
async function chargeLimits(deps: ReferralServiceDeps, memberId: string, ip: string): Promise<LimitResult> {
  const charge = await consumeEach([[deps.limits.perMember, memberId], [deps.limits.perIp, ip]]);
  if (!charge.allowed) throw new RateLimited(charge.retryAfterSeconds);
  return charge;
}

/**
 * Records the outcome. If the store cannot be reached the token stays `sending` (never sent
 * again: the safe side of exactly once) until a background retry records it.
 */
async function settle(deps: ReferralServiceDeps, token: string, outcome: TokenOutcome): Promise<void> {
  // true: recorded, or nothing left to record (the token expired or is no longer `sending`).
  const attempt = () => deps.store.settle(token, outcome).then(() => true, () => false);
  if (await attempt()) return;
  deps.logger.warn({ referral: outcome }, 'referral outcome not recorded yet; retrying in the background, the form token stays reserved meanwhile');
  deps.pending.retry(
    async () => {
      const done = await attempt();
      if (done) deps.logger.info({ referral: outcome }, 'referral outcome recorded after a retry');
      return done;
    },
    () => deps.logger.warn({ referral: outcome }, 'referral outcome not recorded; the form token stays reserved and is never used again'),
  );
}

// Codes only: a mail server's reply text can hold the recipient's address.
function logOutcome(logger: Logger, r: SendOutcome | { outcome: 'suppressed' }): void {
  if (r.outcome === 'failed' || r.outcome === 'unknown') {
    logger.warn({ referral: r.outcome, code: r.code, responseCode: r.responseCode, command: r.command }, 'referral invite not confirmed by the mail server');
  } else {
    logger.info({ referral: r.outcome }, 'referral invite handled');
  }
}

/** How many accounts were made through the member's referral link (no names: a count only). */
export const referredSignups = (users: Pick<UserStore, 'countReferredBy'>, member: UserRecord) => users.countReferredBy(member.id);

const REFERRAL_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** The member whose referral link this is; null for a malformed or unknown code. */
export const referrerByCode = async (users: Pick<UserStore, 'findByReferralCode'>, code: string) =>
  (REFERRAL_CODE.test(code) ? users.findByReferralCode(code) : null);

/**
 * A friend's one-click opt-out: only the keyed fingerprint the link carries is stored, so the list
 * never holds an address (DESIGN.md, "A referral").
 */
export async function recordOptOut(deps: { store: Pick<ReferralStore, 'addOptOut'>; optOut: OptOutKeys }, token: string): Promise<void> {
  const fingerprint = deps.optOut.fingerprintOfToken(token);
  if (!fingerprint) throw new NotFound('This opt-out link is not valid.');
  await deps.store.addOptOut(fingerprint);
}
