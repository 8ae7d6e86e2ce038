import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Ack } from '../../shared/events.js';
import { DomainError, NotFound, RateLimited, Unavailable, type DomainErrorCode } from '../errors.js';

/** The contract's codes: the domain's, and the HTTP layer's own (CSRF, body size, our failure). */
export type ErrorCode = DomainErrorCode | 'csrf_failed' | 'payload_too_large' | 'internal';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400, unauthenticated: 401, invalid_credentials: 401, forbidden: 403,
  csrf_failed: 403, not_found: 404, conflict: 409, payload_too_large: 413,
  pii_unacknowledged: 422, rate_limited: 429, unavailable: 503, internal: 500, invalid_token: 400,
  email_unverified: 403,
};

/**
 * An error as the contract states it: code, status, one human sentence with no user input in it.
 * Domain errors become one here (toApiError); the HTTP layer's own refusals (a malformed body or
 * cursor) are made as one directly.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

function fromDomain(err: DomainError): ApiError {
  if (err instanceof Unavailable) {
    if (err.service === 'search') return new ApiError('unavailable', 'Search is still loading its index; please try again in a few seconds.', undefined, 5);
    return new ApiError('unavailable', err.service === 'mail'
      ? 'The mail server is unavailable; nothing was sent. Please try again later.'
      : 'The service is temporarily unavailable; nothing was changed. Please try again later.');
  }
  return new ApiError(err.code, err.message, err.details, err instanceof RateLimited ? err.retryAfterSeconds : undefined);
}

export function sendError(res: Parameters<RequestHandler>[1], err: ApiError): void {
  if (err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
  const body: { error: { code: string; message: string; details?: Record<string, unknown> } } = {
    error: { code: err.code, message: err.message },
  };
  if (err.details) body.error.details = err.details;
  res.status(err.status).json(body);
}

/** Turns anything thrown into the API's error shape; never echoes input, never a stack trace. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  const e = err as { type?: string; status?: number; code?: string } | null;
  if (e?.type === 'entity.too.large') return new ApiError('payload_too_large', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed') return new ApiError('invalid_request', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new ApiError('invalid_request', 'The request body must be UTF-8 JSON.');
  }
  if (e?.code === 'EBADCSRFTOKEN') return new ApiError('csrf_failed', 'The CSRF token is missing or invalid; fetch a new one from /api/auth/csrf.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError('invalid_request', 'The request is not valid.');
  }
  return new ApiError('internal', 'Something went wrong on our side.');
}

/**
 * The same mapping for a socket event's ack (API.md, Realtime): `{ ok: false, error: { code } }`.
 * The code is what a client acts on (a watch that is refused is simply not there); only a limit
 * also says what to do about it. Details stay out: watch requests carry no findings or fields.
 */
export function toAck(err: unknown): Ack {
  const e = toApiError(err);
  return { ok: false, error: e.code === 'rate_limited' ? { code: e.code, message: e.message } : { code: e.code } };
}

/**
 * The id that ties a request's log lines together (the error with its stack, and the request
 * line), made on first use: requests nobody logs never pay for one.
 */
export function requestIdOf(res: { locals: Record<string, unknown> }): string {
  if (typeof res.locals.requestId !== 'string') res.locals.requestId = randomUUID();
  return res.locals.requestId as string;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const apiErr = toApiError(err);
    if (apiErr.status >= 500) {
      // The stack and the request id, never the body, query or headers. Agora's logger serializes
      // `err` through scrubError (server/log.ts): type, codes, and a scrubbed message and stack
      // only, since mail and store errors can carry addresses and payloads. (Scrubbing it here
      // as well left the serializer a plain object, and the line without its stack.)
      const id = requestIdOf(res);
      logger.error({ err, req: { id, method: req.method, route: routeFor(req, res) } }, 'request failed with an error');
      // The same id in the answer, so a report of the failure can be matched to its log lines.
      if (!res.headersSent) res.set('X-Request-Id', id);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, apiErr);
  };
}

export const apiNotFound: RequestHandler = (_req, _res, next) => next(new NotFound('There is no such API route.'));

/** The route pattern (never the raw path: paths can hold tokens such as opt-out links). */
export function routeOf(req: { baseUrl?: string; route?: { path?: unknown } }): string {
  const p = req.route?.path;
  return p === undefined ? 'unmatched' : `${req.baseUrl ?? ''}${String(p)}`;
}

/**
 * The route pattern of a finished request: the one recordRoute kept if the request ended in an
 * error (by then express has unwound the routers' mount paths), else the matched route.
 */
export function routeFor(req: { baseUrl?: string; route?: { path?: unknown } }, res: { locals: Record<string, unknown> }): string {
  return typeof res.locals.route === 'string' ? res.locals.route : routeOf(req);
}

/**
 * Mounted right after a router (`app.use('/x', router, recordRoute)`): an error leaving the
 * router passes here while the router's mount path still applies, so the full pattern is kept
 * for the error handler, the request log and the metrics.
 */
export const recordRoute: ErrorRequestHandler = (err, req, res, next) => {
  if (res.locals.route === undefined && req.route) res.locals.route = routeOf(req);
  next(err);
};
