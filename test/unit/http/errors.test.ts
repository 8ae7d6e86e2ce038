import express from 'express';
import request from 'supertest';
import {
  Conflict, Forbidden, InvalidCredentials, InvalidInput, NotFound, PiiUnacknowledged, RateLimited,
  Unauthenticated, Unavailable,
} from '../../../server/errors.js';
import { ApiError, errorHandler, toAck, toApiError } from '../../../server/http/errors.js';
import { captureLogs } from '../../helpers/log-capture.js';

// The one mapping from what the domain says went wrong to the contract's answer (API.md, Errors),
// for HTTP and for socket acks alike.

const SECRET = 'secret detail user@example.com';
const findings = [{ type: 'EMAIL', start: 4, end: 20, severity: 'warn' }];
const MAIL_DOWN = 'The mail server is unavailable; nothing was sent. Please try again later.';
const STORE_DOWN = 'The service is temporarily unavailable; nothing was changed. Please try again later.';
const INTERNAL = 'Something went wrong on our side.';

interface Case {
  what: string;
  err: unknown;
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryAfter?: number;
}

const CASES: Case[] = [
  { what: 'an invalid field', err: new InvalidInput('title', 'The title is too long.'), status: 400, code: 'invalid_request', message: 'The title is too long.', details: { field: 'title' } },
  { what: 'an invalid field with the default sentence', err: new InvalidInput('until'), status: 400, code: 'invalid_request', message: 'The request is not valid.', details: { field: 'until' } },
  { what: 'nobody signed in', err: new Unauthenticated(), status: 401, code: 'unauthenticated', message: 'You need to sign in first.' },
  { what: 'a wrong password', err: new InvalidCredentials(), status: 401, code: 'invalid_credentials', message: 'The username or password is not right.' },
  { what: 'a refusal of the policy', err: new Forbidden('This thread is locked.'), status: 403, code: 'forbidden', message: 'This thread is locked.' },
  { what: 'a hidden or unknown thing', err: new NotFound('There is no such post.'), status: 404, code: 'not_found', message: 'There is no such post.' },
  { what: 'a conflict of state', err: new Conflict('That username is taken.'), status: 409, code: 'conflict', message: 'That username is taken.' },
  { what: 'a limit with a fractional wait', err: new RateLimited(2.1), status: 429, code: 'rate_limited', message: 'Too many requests; please wait a moment and try again.', retryAfter: 3 },
  { what: 'a limit whose window ends now', err: new RateLimited(0), status: 429, code: 'rate_limited', message: 'Too many requests; please wait a moment and try again.', retryAfter: 1 },
  { what: 'unacknowledged personal data', err: new PiiUnacknowledged('This text holds personal data.', findings), status: 422, code: 'pii_unacknowledged', message: 'This text holds personal data.', details: { findings } },
  { what: 'the mail server down', err: new Unavailable('mail', 'ECONNREFUSED'), status: 503, code: 'unavailable', message: MAIL_DOWN },
  { what: 'the store down', err: new Unavailable('store', 'ETIMEDOUT'), status: 503, code: 'unavailable', message: STORE_DOWN },
  { what: 'an unexpected Error', err: new Error(SECRET), status: 500, code: 'internal', message: INTERNAL },
  { what: 'a plain Error carrying a system code', err: Object.assign(new Error(SECRET), { code: 'ECONNREFUSED' }), status: 500, code: 'internal', message: INTERNAL },
  { what: 'another client error from a middleware', err: Object.assign(new Error(SECRET), { status: 415 }), status: 400, code: 'invalid_request', message: 'The request is not valid.' },
  { what: 'a thrown string', err: SECRET, status: 500, code: 'internal', message: INTERNAL },
  { what: 'a thrown null', err: null, status: 500, code: 'internal', message: INTERNAL },
  { what: 'a body over the limit', err: Object.assign(new Error(SECRET), { type: 'entity.too.large', status: 413 }), status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  { what: 'malformed JSON', err: Object.assign(new Error(SECRET), { type: 'entity.parse.failed', status: 400 }), status: 400, code: 'invalid_request', message: 'The request body is not valid JSON.' },
  { what: 'a missing CSRF proof', err: Object.assign(new Error(SECRET), { code: 'EBADCSRFTOKEN', status: 403 }), status: 403, code: 'csrf_failed', message: 'The CSRF token is missing or invalid; fetch a new one from /api/auth/csrf.' },
];

describe('toApiError maps each error to the contract', () => {
  test.each(CASES)('$what answers $status $code', ({ err, status, code, message, details, retryAfter }) => {
    const e = toApiError(err);
    expect(e).toBeInstanceOf(ApiError);
    expect({ status: e.status, code: e.code, message: e.message, details: e.details, retryAfter: e.retryAfterSeconds })
      .toEqual({ status, code, message, details, retryAfter });
    expect(JSON.stringify({ message: e.message, details: e.details })).not.toContain('user@example.com');
  });

  test('an ApiError made by the HTTP layer passes through as it is', () => {
    const own = new ApiError('invalid_request', 'The cursor is not valid.', { field: 'cursor' });
    expect(toApiError(own)).toBe(own);
  });

  test.each([0.001, 1, 1.5, 59.2, 3600])('a limit of %p seconds is retried after a whole number of at least one second', (s) => {
    const e = toApiError(new RateLimited(s));
    expect(Number.isInteger(e.retryAfterSeconds)).toBe(true);
    expect(e.retryAfterSeconds).toBe(Math.max(1, Math.ceil(s)));
  });
});

describe('toAck answers a socket event with the code alone', () => {
  test.each(CASES.filter((c) => c.code !== 'rate_limited'))('$what acks {ok: false, error: {code: $code}}', ({ err, code }) => {
    expect(toAck(err)).toEqual({ ok: false, error: { code } });
  });

  test('a limit also says what to do about it', () => {
    expect(toAck(new RateLimited(4))).toEqual({ ok: false, error: { code: 'rate_limited', message: 'Too many requests; please wait a moment and try again.' } });
  });
});

describe('an express answer has the contract shape', () => {
  const logs = captureLogs('info');
  const app = express();
  CASES.forEach((c, i) => app.get(`/fail/${i}`, async () => {
    throw c.err;
  }));
  app.use(errorHandler(logs.logger));

  test.each(CASES.map((c, i) => ({ ...c, i })))('$what: $status {error: {code: $code, message, details?}}', async ({ i, status, code, message, details, retryAfter }) => {
    const res = await request(app).get(`/fail/${i}`);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: details ? { code, message, details } : { code, message } });
    expect(res.headers['retry-after']).toBe(retryAfter === undefined ? undefined : String(retryAfter));
    expect(res.text).not.toContain('user@example.com');
    expect(res.text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  test('a failure on our side is logged once at error with the id the answer carries; refusals are not', async () => {
    logs.lines.length = 0;
    await request(app).get(`/fail/${CASES.findIndex((c) => c.code === 'forbidden')}`).expect(403);
    expect(logs.lines).toEqual([]);
    const res = await request(app).get(`/fail/${CASES.findIndex((c) => c.what === 'an unexpected Error')}`).expect(500);
    const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, err: { type: 'Error' }, req: { id: res.headers['x-request-id'], method: 'GET' } });
    expect(logs.text()).not.toContain('user@example.com');
  });
});
