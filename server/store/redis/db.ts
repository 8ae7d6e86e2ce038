// ioredis is pinned to 5.x: 6.0 declares `class VerbatimString extends String` (RESP3), and on
// Node 20 the mere existence of a String subclass slows every String.prototype call on primitive
// strings in the process (the personal-data detector ran 3× slower). test/unit/string-subclass.test.ts
// keeps any production dependency from bringing such a class back.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { Unavailable } from '../../errors.js';

export type RedisClient = Redis | Cluster;

export interface RedisConnectOptions {
  url: string;
  cluster: boolean;
  logger: Logger;
  /** Fail fast while disconnected so requests answer 503 instead of hanging. */
  failFast?: boolean;
  /**
   * Cluster only: SSUBSCRIBE through one subscriber connection per primary (ioredis's
   * `shardedSubscribers`). A sharded channel lives on the primary of its slot, so the single
   * subscriber connection ioredis uses otherwise cannot hold channels of every slot.
   */
  shardedSubscribers?: boolean;
}

/** Connects with ioredis; reconnection is ioredis's own (retryStrategy), forever, backing off to 2 s. */
export function connectRedis({ url, cluster, logger, failFast = true, shardedSubscribers = false }: RedisConnectOptions): RedisClient {
  const options: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 0 : null,
    commandTimeout: failFast ? 3000 : undefined,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
  let client: RedisClient;
  if (cluster) {
    const u = new URL(url);
    client = new Cluster([{ host: u.hostname, port: Number(u.port || 6379) }], {
      lazyConnect: true,
      enableOfflineQueue: !failFast,
      shardedSubscribers,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      redisOptions: {
        ...options,
        password: u.password ? decodeURIComponent(u.password) : undefined,
        username: u.username ? decodeURIComponent(u.username) : undefined,
        tls: u.protocol === 'rediss:' ? {} : undefined,
      },
    });
    // Each node's connection, as it joins the pool: corked per tick like a single Redis's.
    client.on('+node', (node: Redis) => node.on('connect', () => corkPerTick(node)));
  } else {
    client = new Redis(url, options);
    client.on('connect', () => corkPerTick(client as Redis));
  }
  let down = false;
  client.on('error', (err: Error & { code?: string }) => {
    // Only the code: connection errors can carry host names and, with AUTH, worse.
    if (!down) logger.warn({ code: err.code ?? err.name }, 'redis connection error');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info('redis connection restored');
    down = false;
  });
  return client;
}

/**
 * Every command ioredis sends is its own socket write, one system call each (15% of a busy
 * process's CPU in the search write bench). Corking the connection's socket until the end of the
 * tick turns the commands issued in one tick (a Promise.all, the next step of every request whose
 * reply came in the same read) into one writev. Nothing waits longer than the current tick, and
 * the commands and their replies stay in order. ioredis's own enableAutoPipelining does this
 * through Pipeline objects, which measured slower than writing each command, and has open bugs on
 * Cluster (redis/ioredis#2109, #2075: how it groups a batch by slot); corking groups nothing, so a
 * Cluster's node connections are corked the same way.
 */
export function corkPerTick(client: Redis): void {
  const stream = (client as unknown as { stream?: import('node:net').Socket }).stream;
  if (!stream || (stream as { agoraCorked?: boolean }).agoraCorked) return;
  (stream as { agoraCorked?: boolean }).agoraCorked = true;
  const write = stream.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as typeof write;
}

/**
 * The Redis side of every store: one client, one key prefix, and `run`, which turns
 * any failure to reach Redis into Unavailable (answered 503 with nothing changed).
 */
export class RedisDb {
  constructor(
    readonly client: RedisClient,
    readonly prefix: string,
  ) {}

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Keys of one entity share a hash tag so multi-key scripts stay on one cluster slot. */
  tagged(tag: string, ...parts: string[]): string {
    return `${this.prefix}{${tag}}${parts.length ? ':' + parts.join(':') : ''}`;
  }

  async run<T>(fn: (r: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await fn(this.client);
    } catch (err) {
      const e = err as Error & { code?: string };
      // A reply error (WRONGTYPE, a script error) is a bug, not an outage: let it be a 500.
      if (e.name === 'ReplyError' && !/^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY)/.test(e.message)) throw err;
      throw new Unavailable('store', e.code ?? e.name);
    }
  }

  async ping(): Promise<void> {
    await this.run((r) => r.ping());
  }

  /**
   * Lua scripts by name, loaded once per client and called by EVALSHA. A script whose `keys` is
   * omitted takes a varying number of keys: its caller passes the count first. Every key a script
   * touches is passed in KEYS (never built in Lua), so a cluster client routes it to the right slot.
   */
  defineScripts(scripts: Record<string, { keys?: number; lua: string }>): void {
    for (const [name, s] of Object.entries(scripts)) {
      if (!(name in this.client)) this.client.defineCommand(name, { numberOfKeys: s.keys, lua: s.lua });
    }
  }

  script(name: string, ...args: (string | number)[]): (r: RedisClient) => Promise<unknown> {
    return (r) => (r as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name]!(...args);
  }
}
