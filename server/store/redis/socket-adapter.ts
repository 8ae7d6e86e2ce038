import type { Namespace } from 'socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { connectRedis, type RedisClient } from './db.js';

/** How long a join waits for Redis to confirm the subscriptions it started. */
const SUBSCRIBE_WAIT_MS = 3_000;

/**
 * socket.io on a Redis Cluster uses sharded pub/sub (SSUBSCRIBE/SPUBLISH, Redis 7): a message goes
 * to the shard owning its channel's slot instead of over the cluster bus to every node. The
 * adapter supports an ioredis Cluster (its util.js listens to `smessageBuffer` and counts servers
 * with PUBSUB SHARDNUMSUB on every node), provided the subscribing Cluster has ioredis's
 * `shardedSubscribers` (see connectRedis): the adapter subscribes one channel per namespace and per
 * room, spread over every slot, and without that option ioredis sends every SSUBSCRIBE down a
 * single connection to one node. SPUBLISH is routed by slot like any keyed command.
 *
 * The adapter subscribes to a room's channel when the room first gets a socket on this process,
 * without waiting for Redis to confirm. Until Redis does, an event another process publishes to the
 * room is lost here, which would break thread:watch's promise (join first, then read the log: an
 * event arrives twice, never zero times). So a join here waits for the subscriptions in flight, at
 * most SUBSCRIBE_WAIT_MS so that a join never hangs through an outage.
 */
function shardedAdapter(pub: RedisClient, sub: RedisClient, channelPrefix: string) {
  const pending = new Set<Promise<unknown>>();
  const client = sub as unknown as { ssubscribe(...channels: string[]): Promise<unknown> };
  const ssubscribe = client.ssubscribe.bind(client);
  client.ssubscribe = (...channels) => {
    const reply = ssubscribe(...channels);
    // Also handles a rejection the adapter, which drops this promise, would leave unhandled.
    const done: Promise<unknown> = reply.catch(() => {}).finally(() => pending.delete(done));
    pending.add(done);
    return reply;
  };
  const create = createShardedAdapter(pub, sub, { channelPrefix });
  // socket.io calls this with `new`; an object returned from a constructor is what `new` gives.
  return function (nsp: Namespace) {
    const adapter = create(nsp);
    const addAll = adapter.addAll.bind(adapter);
    adapter.addAll = (id, rooms) => {
      addAll(id, rooms);
      if (!pending.size) return;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS);
        void Promise.all(pending).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    };
    return adapter;
  };
}

/** What realtime needs from a shared store: an adapter so that rooms span every process. */
export interface SocketAdapter {
  /** socket.io's `adapter` option (a constructor taking the namespace). */
  adapter: unknown;
  close(): Promise<void>;
}

/**
 * The socket.io Redis adapter on connections of its own (pub/sub cannot share the store's), which
 * queue while reconnecting rather than fail fast. On a cluster the subscriber holds one connection
 * per primary (see shardedAdapter).
 */
export function redisSocketAdapter(opts: { url: string; cluster: boolean; prefix: string; logger: Logger }): SocketAdapter {
  const { url, cluster, logger } = opts;
  const pub = connectRedis({ url, cluster, logger, failFast: false });
  const sub = connectRedis({ url, cluster, logger, failFast: false, shardedSubscribers: cluster });
  void pub.connect().catch(() => {});
  void sub.connect().catch(() => {});
  const key = `${opts.prefix}socket.io`;
  return {
    adapter: cluster ? shardedAdapter(pub, sub, key) : createAdapter(pub, sub, { key }),
    close: async () => {
      await Promise.all([pub, sub].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
