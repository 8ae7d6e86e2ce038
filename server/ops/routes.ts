import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { ApiError, sendError } from '../http/errors.js';
import type { Metrics } from './metrics.js';

export type ReadinessCheck = () => Promise<void>;

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), ms).unref())]);

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * METRICS_TOKEN: the scrape must carry `Authorization: Bearer <token>`. Both sides are hashed
 * first so that timingSafeEqual compares equal lengths: the comparison takes the same time
 * whatever the guess, and reveals not even the token's length.
 */
export function requireBearer(token: string): RequestHandler {
  const expected = digest(token);
  return (req, res, next) => {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (m && timingSafeEqual(digest(m[1]!), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="metrics"').set('Cache-Control', 'no-store');
    sendError(res, new ApiError('unauthenticated', 'Reading the metrics needs the bearer token set in METRICS_TOKEN.'));
  };
}

export function opsRoutes(checks: Record<string, ReadinessCheck>, metrics: Metrics, opts: { metricsToken?: string } = {}): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = entries.every(([, s]) => s === 'ok');
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(entries) });
  });
  const guard: RequestHandler[] = opts.metricsToken ? [requireBearer(opts.metricsToken)] : [];
  r.get('/metrics', ...guard, async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}
