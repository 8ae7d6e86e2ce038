import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../../server/config.js';
import { buildAgora, type Agora } from '../../server/app.js';
import { createMemoryStores, createStores, type Stores } from '../../server/store/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', ...env });
}

/** A key prefix of this test run's own; `cleanRedis` deletes exactly those keys. */
export function testPrefix(): string {
  return `agora-test-${randomBytes(6).toString('hex')}:`;
}

export async function cleanRedis(prefix: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

export const silentLogger = (): Logger => pino({ level: 'silent' });

export async function makeStores(kind: 'memory' | 'redis', prefix: string, redisUrl = REDIS_URL, threadLogSize?: number): Promise<Stores> {
  if (kind === 'memory') return createMemoryStores({ secret: 'test', threadLogSize });
  return createStores({ redisUrl, keyPrefix: prefix, secret: 'test', threadLogSize, logger: silentLogger() });
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
  store?: 'memory' | 'redis';
  prefix?: string;
  redisUrl?: string;
  env?: Record<string, string>;
  logger?: Logger;
  stores?: Stores;
}

/** Agora listening on 127.0.0.1 on a free port, with socket.io attached. */
export async function startAgora(opts: StartOptions = {}): Promise<Running> {
  const prefix = opts.prefix ?? testPrefix();
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const config = testConfig({ ...(opts.store === 'redis' ? { REDIS_URL: redisUrl } : {}), REDIS_KEY_PREFIX: prefix, ...opts.env });
  const stores = opts.stores ?? (await makeStores(opts.store ?? 'memory', prefix, redisUrl, config.threadLogSize));
  const agora = buildAgora({ config, stores, logger: opts.logger ?? silentLogger() });
  const server = createServer(agora.app);
  agora.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
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
    },
  };
}
