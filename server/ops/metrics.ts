import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';
import { routeFor } from '../http/errors.js';
import type { CacheStats as ReadCacheStats } from '../store/index.js';

/**
 * One registry per app instance; labels are route patterns and status codes, never paths or users.
 * `cacheStats`: the session, account and forum caches (Redis store), read at each scrape.
 */
export function createMetrics(cacheStats?: () => ReadCacheStats[]) {
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
  /** This process's open sockets (set once realtime exists; counted at each scrape, no per-socket listener). */
  let openSockets: (() => number) | undefined;
  new Gauge({
    name: 'agora_open_sockets', help: 'Open socket.io connections on this process', registers: [registry],
    collect() {
      this.set(openSockets?.() ?? 0);
    },
  });
  const socketRefusals = new Counter({
    name: 'agora_socket_refusals_total', help: 'Socket handshakes refused (origin, address) and events refused (rate) or sockets cut off for flooding (flood)',
    labelNames: ['reason'] as const, registers: [registry],
  });
  if (cacheStats) registerCacheMetrics(registry, cacheStats);
  /** The search index of this process (set once it exists; read at each scrape). */
  let search: (() => { ready: boolean; documents: number }) | undefined;
  new Gauge({
    name: 'agora_search_index_documents', help: 'Posts in this process\'s search index (0 while it loads)', registers: [registry],
    collect() {
      this.set(search?.().documents ?? 0);
    },
  });
  new Gauge({
    name: 'agora_search_index_ready', help: '1 once this process\'s search index has loaded', registers: [registry],
    collect() {
      this.set(search?.().ready ? 1 : 0);
    },
  });

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route ? routeFor(req, res) : req.path.startsWith('/api/') ? 'unmatched' : 'static';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      end({ method: req.method, route });
    });
    next();
  };
  const watchSearch = (stats: () => { ready: boolean; documents: number }) => {
    search = stats;
  };
  const countSockets = (count: () => number) => {
    openSockets = count;
  };
  return { registry, middleware, countSockets, socketRefusals, watchSearch };
}

function registerCacheMetrics(registry: Registry, stats: () => ReadCacheStats[]): void {
  // The caches count on their own; each scrape turns their running totals into these metrics.
  const reported = new Map<string, number>();
  const advance = (counter: Counter<'cache' | 'result'> | Counter<'cache'>, labels: Record<string, string>, total: number) => {
    const key = JSON.stringify(labels);
    const delta = total - (reported.get(key) ?? 0);
    reported.set(key, total);
    if (delta > 0) (counter as Counter<string>).inc(labels, delta);
  };
  const lookups: Counter<'cache' | 'result'> = new Counter({
    name: 'agora_read_cache_lookups_total', help: 'Session and account lookups by cache and result (hit, miss)',
    labelNames: ['cache', 'result'] as const, registers: [registry],
    collect() {
      for (const s of stats()) {
        advance(lookups, { cache: s.cache, result: 'hit' }, s.hits);
        advance(lookups, { cache: s.cache, result: 'miss' }, s.misses);
      }
    },
  });
  const invalidations: Counter<'cache'> = new Counter({
    name: 'agora_read_cache_invalidations_total', help: 'Entries dropped because they changed (here or on another process)',
    labelNames: ['cache'] as const, registers: [registry],
    collect() {
      for (const s of stats()) advance(invalidations, { cache: s.cache }, s.invalidations);
    },
  });
  new Gauge({
    name: 'agora_read_cache_entries', help: 'Entries held by each read cache', labelNames: ['cache'] as const, registers: [registry],
    collect() {
      for (const s of stats()) this.set({ cache: s.cache }, s.entries);
    },
  });
  new Gauge({
    name: 'agora_read_cache_channel_up', help: '1 while the invalidation channel is subscribed (the caches are in use), else 0', registers: [registry],
    collect() {
      this.set(stats().every((s) => s.channelUp) ? 1 : 0);
    },
  });
}

export type Metrics = ReturnType<typeof createMetrics>;
