// The HTTP section's load generator, in its own process (pinned to its own core): runs autocannon
// programmatically against one URL. Connection i sends headers[i % headers.length], so each
// connection posts as its own signed-in member (cookie + X-CSRF-Token). Spoken to over IPC (ipc.ts).
import { serveRequests } from './ipc.js';

export type LoadRequest = {
  op: 'run';
  url: string;
  /** POST (the default) sends `body`; GET sends none. */
  method?: 'GET' | 'POST';
  body: string;
  headers: Record<string, string>[];
  connections: number;
  durationS: number;
};

export interface LoadReply {
  requests: number;
  durationS: number;
  requestsPerS: number;
  latencyMs: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

// autocannon 9 ships no types: the part of its API used here.
interface AutocannonClient { setHeaders(h: Record<string, string>): void }
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;
const autocannon = require('autocannon') as Autocannon;

function run(req: LoadRequest): Promise<LoadReply> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon({
      url: req.url,
      method: req.method ?? 'POST',
      ...(req.method === 'GET' ? {} : { body: req.body, headers: { 'content-type': 'application/json' } }),
      connections: req.connections,
      duration: req.durationS,
      pipelining: 1,
      timeout: 10,
      setupClient: (client: AutocannonClient) => client.setHeaders(req.headers[next++ % req.headers.length]!),
    }, (err, r) => {
      if (err) return reject(err);
      const requests = r.requests.total;
      resolve({
        requests,
        durationS: r.duration,
        requestsPerS: requests / r.duration,
        latencyMs: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count])),
      });
    });
  });
}

serveRequests<LoadRequest>(run, () => {});
