import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import type { SessionData } from 'express-session';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Stores } from '../store/index.js';
import { connectRedis, type RedisClient } from '../store/redis/db.js';
import type { UserRecord } from '../store/users.js';
import type { Metrics } from '../ops/metrics.js';
import { sessionEndsAt } from '../auth/session.js';
import { rooms } from './rooms.js';
import { socketEvents, type SocketEvents } from './handlers.js';
import { AddressCount, eventBudget, sameSiteOrigin, WatchBudget, type SocketLimits } from './limits.js';
import { closeSocketsOfEndedSessions, SESSION_SWEEP_MS } from './session-end.js';

export interface SocketData {
  user: UserRecord | null;
  sessionId: string | null;
  /** When the socket's session ends, as it was when last read (null: anonymous or no deadline). */
  sessionEndsAt: number | null;
  /** The threads and forums this socket watches, up to SOCKET_MAX_WATCHES. */
  watches: WatchBudget;
}

export type AgoraServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AgoraSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: AgoraServer;
  /** Features register their socket handlers here; each runs for every new connection. */
  onConnection(handler: (socket: AgoraSocket, on: SocketEvents) => void): void;
  /** Closes every socket of a user, on every server process (through the adapter). */
  disconnectUser(userId: string): void;
  disconnectSession(sessionId: string): void;
  /** Closes this process's sockets whose session has ended (runs every minute on its own). */
  closeSocketsOfEndedSessions(): Promise<number>;
  close(): Promise<void>;
}

type SessionRequest = IncomingMessage & { session?: SessionData & { passport?: { user?: unknown } }; sessionID?: string };

export interface RealtimeDeps {
  httpServer: HttpServer;
  sessionMiddleware: RequestHandler;
  stores: Stores;
  logger: Logger;
  metrics: Metrics;
  limits: SocketLimits;
  /** PUBLIC_URL's origin, if set: the only Origin a handshake may carry (else the request's host). */
  siteOrigin: string | undefined;
  /** The client's address as express reads it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress: (req: IncomingMessage) => string;
  now?: () => number;
}

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

export function createRealtime(deps: RealtimeDeps): Realtime {
  const now = deps.now ?? Date.now;
  const perAddress = new AddressCount(deps.limits.maxPerAddress);
  const io: AgoraServer = new Server(deps.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 100_000,
    // Browsers reconnect on their own; a crashed peer is noticed within ~25 s.
    pingInterval: 20_000,
    pingTimeout: 5_000,
    // Runs on each new connection's first request, before any socket.io state exists for it.
    allowRequest: (req, answer) => {
      const refuse = (reason: 'origin' | 'address', message: string) => {
        deps.metrics.socketRefusals.inc({ reason });
        answer(message, false);
      };
      if (!sameSiteOrigin(req, deps.siteOrigin)) return refuse('origin', 'origin not allowed');
      if (perAddress.full(deps.clientAddress(req))) return refuse('address', 'too many connections from this address');
      answer(null, true);
    },
  });
  // allowRequest answers before the connection exists, so a burst of handshakes could all pass it;
  // the count is taken here, where each connection is made, and one over the cap is closed at once.
  io.engine.on('connection', (conn: { request: IncomingMessage; close(): void; once(e: 'close', f: () => void): void }) => {
    const address = deps.clientAddress(conn.request);
    if (!perAddress.tryOpen(address)) {
      deps.metrics.socketRefusals.inc({ reason: 'address' });
      return conn.close();
    }
    conn.once('close', () => perAddress.close(address));
  });

  const pubsub: RedisClient[] = [];
  if (deps.stores.redis) {
    const { url, cluster } = deps.stores.redis;
    // Pub/sub needs its own connections; these queue while reconnecting rather than fail fast.
    // On a cluster the subscriber holds one connection per primary (see shardedAdapter).
    const pub = connectRedis({ url, cluster, logger: deps.logger, failFast: false });
    const sub = connectRedis({ url, cluster, logger: deps.logger, failFast: false, shardedSubscribers: cluster });
    void pub.connect().catch(() => {});
    void sub.connect().catch(() => {});
    pubsub.push(pub, sub);
    const key = `${deps.stores.redis.db.prefix}socket.io`;
    io.adapter(cluster ? shardedAdapter(pub, sub, key) : createAdapter(pub, sub, { key }));
  }

  // The same session cookie as HTTP: the socket is signed in as whoever the session says.
  io.engine.use(deps.sessionMiddleware);
  io.use((socket, next) => {
    const req = socket.request as SessionRequest;
    const userId = req.session?.passport?.user;
    socket.data.sessionId = req.sessionID ?? null;
    socket.data.user = null;
    socket.data.sessionEndsAt = req.session ? sessionEndsAt(req.session) : null;
    socket.data.watches = new WatchBudget(deps.limits.maxWatches);
    if (typeof userId !== 'string') return next();
    deps.stores.users.get(userId).then(
      (user) => {
        socket.data.user = user;
        next();
      },
      () => next(new Error('unavailable')),
    );
  });

  const handlers: ((socket: AgoraSocket, on: SocketEvents) => void)[] = [];
  io.on('connection', (socket) => {
    deps.metrics.sockets.inc();
    socket.on('disconnect', () => deps.metrics.sockets.dec());
    socket.use(eventBudget(socket, deps.limits, now, (reason) => deps.metrics.socketRefusals.inc({ reason })));
    const user = socket.data.user;
    // A banned user may still read (API.md), so they may reconnect; a ban closes their open
    // sockets so that nothing they held open (a moderator's room) survives it.
    if (user) void socket.join(rooms.user(user.id));
    if (socket.data.sessionId) void socket.join(rooms.session(socket.data.sessionId));
    const on = socketEvents(socket, deps.logger);
    for (const h of handlers) h(socket, on);
  });

  const closeEnded = () => closeSocketsOfEndedSessions(io, deps.stores.sessions, now);
  const sweep = setInterval(() => void closeEnded().catch(() => {}), SESSION_SWEEP_MS);
  sweep.unref();

  return {
    io,
    onConnection: (h) => handlers.push(h),
    disconnectUser: (userId) => io.in(rooms.user(userId)).disconnectSockets(true),
    disconnectSession: (sid) => io.in(rooms.session(sid)).disconnectSockets(true),
    closeSocketsOfEndedSessions: closeEnded,
    close: async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(pubsub.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
