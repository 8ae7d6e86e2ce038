import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../server/config.js';
import { buildAgora, type Agora } from '../../server/app.js';
import { createMemoryStores, createStores, type Stores } from '../../server/store/index.js';
import { testClusterUrl } from './redis-cluster.js';
import { TEST_SCRYPT_N } from './process.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testConfig(env: Record<string, string> = {}): Config {
  // A suite that runs as production keeps production's cost (config refuses less there).
  const cost = env.NODE_ENV && env.NODE_ENV !== 'test' ? {} : { PASSWORD_SCRYPT_N: TEST_SCRYPT_N };
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', ...cost, ...env });
}

/** A key prefix of this test run's own; `cleanRedis` deletes exactly those keys. */
export function testPrefix(): string {
  return `agora-test-${randomBytes(6).toString('hex')}:`;
}

/** The store backends a contract suite runs on; `redis-cluster` is the test cluster (./redis-cluster.ts). */
export type Backend = 'memory' | 'redis' | 'redis-cluster';

export interface RedisTarget {
  url: string;
  cluster: boolean;
}

/**
 * Calls `fn` with a plain connection to every node holding keys: the one Redis, or each primary of
 * a cluster (a SCAN only walks the node it is sent to).
 */
export async function eachRedisNode(target: RedisTarget, fn: (node: Redis) => Promise<void>): Promise<void> {
  if (!target.cluster) {
    const r = new Redis(target.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      await fn(r);
    } finally {
      r.disconnect();
    }
    return;
  }
  const u = new URL(target.url);
  const c = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], { lazyConnect: true, redisOptions: { maxRetriesPerRequest: 1 } });
  try {
    await c.connect();
    for (const node of c.nodes('master')) await fn(node);
  } finally {
    c.disconnect();
  }
}

/** The keys under `prefix` on one node, a SCAN page at a time. */
export async function* scanRedisKeys(node: Redis, prefix: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) yield keys;
  } while (cursor !== '0');
}

export async function cleanRedis(prefix: string, target: string | RedisTarget = REDIS_URL): Promise<void> {
  const t = typeof target === 'string' ? { url: target, cluster: false } : target;
  await eachRedisNode(t, async (node) => {
    for await (const keys of scanRedisKeys(node, prefix)) {
      // On a cluster node the keys of one SCAN page span many slots: delete them one by one.
      if (t.cluster) await Promise.all(keys.map((k) => node.unlink(k)));
      else await node.del(...keys);
    }
  });
}

/** Where a Redis backend keeps its keys (the cluster is started on first use). */
export async function redisTarget(kind: Exclude<Backend, 'memory'>): Promise<RedisTarget> {
  return kind === 'redis' ? { url: REDIS_URL, cluster: false } : { url: await testClusterUrl(), cluster: true };
}

/** Deletes a test's keys from its backend (nothing to do for memory). */
export async function cleanBackend(kind: Backend, prefix: string): Promise<void> {
  if (kind !== 'memory') await cleanRedis(prefix, await redisTarget(kind));
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

/** `redisUrl` defaults to REDIS_URL for `redis` and to the test cluster's seed node for `redis-cluster`. */
export async function makeStores(kind: Backend, prefix: string, redisUrl?: string, threadLogSize?: number): Promise<Stores> {
  if (kind === 'memory') return createMemoryStores({ secret: 'test', threadLogSize });
  const cluster = kind === 'redis-cluster';
  const url = redisUrl ?? (await redisTarget(kind)).url;
  return createStores({ redisUrl: url, cluster, keyPrefix: prefix, secret: 'test', threadLogSize, logger: silentLogger() });
}

/**
 * For the enclosing describe: a store set of `kind` on a prefix of its own, made before its tests
 * and closed and cleaned after them. Answers a getter (the stores exist only once beforeAll ran).
 */
export function storesForSuite(kind: Backend): () => Stores {
  const prefix = testPrefix();
  let stores: Stores | undefined;
  beforeAll(async () => {
    stores = await makeStores(kind, prefix);
  });
  afterAll(async () => {
    await stores?.close();
    await cleanBackend(kind, prefix);
  });
  return () => stores!;
}

export interface Running {
  url: string;
  port: number;
  agora: Agora;
  stores: Stores;
  config: Config;
  server: Server;
  close(): Promise<void>;
}

export interface StartOptions {
  store?: Backend;
  prefix?: string;
  redisUrl?: string;
  env?: Record<string, string>;
  logger?: Logger;
  stores?: Stores;
  /** The clock session lifetimes and socket rates are read with. */
  now?: () => number;
  /** Where the web app's index.html is served from (default: the build in dist/client). */
  clientDir?: string;
  /** The port to listen on (default: any free one), e.g. the one a PUBLIC_URL in `env` names. */
  port?: number;
  /** false: answer as soon as it listens, before the search index has loaded (default: after). */
  waitForSearch?: boolean;
}

/** Agora listening on 127.0.0.1 on a free port, with socket.io attached. */
export async function startAgora(opts: StartOptions = {}): Promise<Running> {
  const prefix = opts.prefix ?? testPrefix();
  const kind = opts.store ?? 'memory';
  const redisUrl = opts.redisUrl ?? (kind === 'memory' ? REDIS_URL : (await redisTarget(kind)).url);
  const redisEnv: Record<string, string> = kind === 'memory' ? {} : { REDIS_URL: redisUrl, REDIS_CLUSTER: kind === 'redis-cluster' ? '1' : '0' };
  const config = testConfig({ ...redisEnv, REDIS_KEY_PREFIX: prefix, ...opts.env });
  const stores = opts.stores ?? (await makeStores(kind, prefix, redisUrl, config.threadLogSize));
  const agora = buildAgora({ config, stores, logger: opts.logger ?? silentLogger(), now: opts.now, clientDir: opts.clientDir });
  const server = createServer(agora.app);
  agora.attach(server);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // Searching answers 503 until the index has loaded: tests start from a loaded one.
  if (opts.waitForSearch !== false) await agora.search.whenReady();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    agora,
    stores,
    config,
    server,
    async close() {
      server.closeAllConnections();
      await agora.close();
      if (!opts.stores) await stores.close();
      // A prefix this helper made up is this run's alone: delete its keys (a caller that passed a
      // prefix, e.g. shared by two instances, cleans it up itself).
      if (!opts.prefix && kind !== 'memory') await cleanRedis(prefix, opts.redisUrl ? { url: opts.redisUrl, cluster: kind === 'redis-cluster' } : await redisTarget(kind));
    },
  };
}
