import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';
import { routeOf } from './errors.js';

type Req = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * One line per request with the route pattern, status and time: no URL (paths can hold
 * opt-out tokens), no query, no headers (cookies, CSRF tokens), no body.
 */
export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: () => randomUUID(),
    wrapSerializers: false,
    serializers: {
      req: (req: Req) => ({ id: (req as { id?: unknown }).id, method: req.method, route: routeOf(req) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
      err: () => undefined,
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
  });
}
