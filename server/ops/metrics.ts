import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';
import { routeOf } from '../http/errors.js';

/** One registry per app instance; labels are route patterns and status codes, never paths or users. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'agora_http_requests_total', help: 'HTTP requests by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const, registers: [registry],
  });
  const duration = new Histogram({
    name: 'agora_http_request_duration_seconds', help: 'HTTP request duration by route pattern',
    labelNames: ['method', 'route'] as const, registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const sockets = new Gauge({ name: 'agora_open_sockets', help: 'Open socket.io connections on this process', registers: [registry] });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route ? routeOf(req) : req.path.startsWith('/api/') ? 'unmatched' : 'static';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  return { registry, middleware, sockets };
}

export type Metrics = ReturnType<typeof createMetrics>;
