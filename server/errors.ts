/**
 * The errors the domain (services and stores) throws. They say what went wrong in the domain's
 * words; `server/http/errors.ts` is the one place that turns them into the contract's status codes
 * and error shape, for HTTP answers and socket acks alike. Nothing here knows about HTTP.
 *
 * A message is one human sentence meant for the member, with no user input in it.
 */
export type DomainErrorCode =
  | 'invalid_request' | 'unauthenticated' | 'invalid_credentials' | 'forbidden' | 'not_found' | 'conflict'
  | 'rate_limited' | 'pii_unacknowledged' | 'unavailable' | 'invalid_token'
  | 'email_unverified';

export abstract class DomainError extends Error {
  /** What kind of failure this is, in the words the API's error codes use (API.md, Errors). */
  abstract readonly code: DomainErrorCode;
  /** Details the member's client can act on (the field at fault, the personal data found). */
  readonly details?: Record<string, unknown>;
  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    if (details) this.details = details;
  }
}

/** The input breaks a rule of the domain (the schema check is the route's; this is what is left). */
export class InvalidInput extends DomainError {
  override name = 'InvalidInput';
  readonly code = 'invalid_request' as const;
  constructor(field: string, message = 'The request is not valid.') {
    super(message, { field });
  }
}

/** Nobody is signed in, and the action needs someone. */
export class Unauthenticated extends DomainError {
  override name = 'Unauthenticated';
  readonly code = 'unauthenticated' as const;
  constructor(message = 'You need to sign in first.') {
    super(message);
  }
}

/** The username and password do not match an account (the same answer for an unknown user). */
export class InvalidCredentials extends DomainError {
  override name = 'InvalidCredentials';
  readonly code = 'invalid_credentials' as const;
  constructor(message = 'The username or password is not right.') {
    super(message);
  }
}

/** The policy says no (see server/auth/policy.ts). */
export class Forbidden extends DomainError {
  override name = 'Forbidden';
  readonly code = 'forbidden' as const;
  constructor(message = 'You are not allowed to do that.', details?: Record<string, unknown>) {
    super(message, details);
  }
}

/** Not there, or not there for this reader: the same answer, so hidden things stay hidden. */
export class NotFound extends DomainError {
  override name = 'NotFound';
  readonly code = 'not_found' as const;
  constructor(message = 'Nothing was found here.') {
    super(message);
  }
}

/** The thing is not in a state that allows this (already removed, changed meanwhile, taken). */
export class Conflict extends DomainError {
  override name = 'Conflict';
  readonly code = 'conflict' as const;
}

/** The setting REQUIRE_VERIFIED_EMAIL is on and the member has not verified their address yet. */
export class EmailUnverified extends DomainError {
  override name = 'EmailUnverified';
  readonly code = 'email_unverified' as const;
  constructor(message = 'Please verify your e-mail address first: follow the link in the e-mail we sent you, or ask for a new one on your account page.') {
    super(message);
  }
}

/** A verification or reset token that is unknown, used or expired: the same answer for all three. */
export class InvalidToken extends DomainError {
  override name = 'InvalidToken';
  readonly code = 'invalid_token' as const;
  constructor(message = 'This link is not valid any more: it was used already, has expired, or was never issued. Please ask for a new one.') {
    super(message);
  }
}

/** A limit was reached; `retryAfterSeconds` is when the member may try again (at least 1). */
export class RateLimited extends DomainError {
  override name = 'RateLimited';
  readonly code = 'rate_limited' as const;
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message = 'Too many requests; please wait a moment and try again.') {
    super(message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** The text holds personal data that is blocked or not yet acknowledged; nothing was stored. */
export class PiiUnacknowledged extends DomainError {
  override name = 'PiiUnacknowledged';
  readonly code = 'pii_unacknowledged' as const;
  constructor(message: string, findings: unknown[]) {
    super(message, { findings });
  }
}

/** A backing service (store, mail server) could not be reached; nothing was changed. */
export class Unavailable extends DomainError {
  override name = 'Unavailable';
  readonly code = 'unavailable' as const;
  constructor(readonly service: 'store' | 'mail' | 'search', readonly causeCode?: string) {
    super(`${service} unavailable`);
  }
}

/**
 * A refusal: the request was wrong or not allowed, so nothing it asked for happened and it does not
 * count against a limit (a flood-control point taken up front is given back). Unavailable and
 * unexpected errors are not refusals.
 */
export const isRefusal = (err: unknown): err is DomainError => err instanceof DomainError && !(err instanceof Unavailable);
