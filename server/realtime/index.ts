import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { Server, type Socket } from 'socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Stores } from '../store/index.js';
import { connectRedis, type RedisClient } from '../store/redis/db.js';
import type { UserRecord } from '../store/users.js';
import type { Metrics } from '../ops/metrics.js';
import { rooms } from './rooms.js';

export interface SocketData {
  user: UserRecord | null;
  sessionId: string | null;
}

export type AgoraServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AgoraSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: AgoraServer;
  /** Features register their socket handlers here; each runs for every new connection. */
  onConnection(handler: (socket: AgoraSocket) => void): void;
  /** Closes every socket of a user, on every server process (through the adapter). */
  disconnectUser(userId: string): void;
  disconnectSession(sessionId: string): void;
  close(): Promise<void>;
}

type SessionRequest = IncomingMessage & { session?: { passport?: { user?: unknown } }; sessionID?: string };

export interface RealtimeDeps {
  httpServer: HttpServer;
  sessionMiddleware: RequestHandler;
  stores: Stores;
  logger: Logger;
  metrics: Metrics;
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const io: AgoraServer = new Server(deps.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 100_000,
    // Browsers reconnect on their own; a crashed peer is noticed within ~25 s.
    pingInterval: 20_000,
    pingTimeout: 5_000,
  });

  const pubsub: RedisClient[] = [];
  if (deps.stores.redis) {
    const { url, cluster } = deps.stores.redis;
    // Pub/sub needs its own connections; these queue while reconnecting rather than fail fast.
    const pub = connectRedis({ url, cluster, logger: deps.logger, failFast: false });
    const sub = connectRedis({ url, cluster, logger: deps.logger, failFast: false });
    void pub.connect().catch(() => {});
    void sub.connect().catch(() => {});
    pubsub.push(pub, sub);
    const key = `${deps.stores.redis.db.prefix}socket.io`;
    io.adapter(cluster ? createShardedAdapter(pub, sub, { channelPrefix: key }) : createAdapter(pub, sub, { key }));
  }

  // The same session cookie as HTTP: the socket is signed in as whoever the session says.
  io.engine.use(deps.sessionMiddleware);
  io.use((socket, next) => {
    const req = socket.request as SessionRequest;
    const userId = req.session?.passport?.user;
    socket.data.sessionId = req.sessionID ?? null;
    socket.data.user = null;
    if (typeof userId !== 'string') return next();
    deps.stores.users.get(userId).then(
      (user) => {
        socket.data.user = user;
        next();
      },
      () => next(new Error('unavailable')),
    );
  });

  const handlers: ((socket: AgoraSocket) => void)[] = [];
  io.on('connection', (socket) => {
    deps.metrics.sockets.inc();
    socket.on('disconnect', () => deps.metrics.sockets.dec());
    const user = socket.data.user;
    // A banned user may still read (API.md), so they may reconnect; a ban closes their open
    // sockets so that nothing they held open (a moderator's room) survives it.
    if (user) void socket.join(rooms.user(user.id));
    if (socket.data.sessionId) void socket.join(rooms.session(socket.data.sessionId));
    for (const h of handlers) h(socket);
  });

  return {
    io,
    onConnection: (h) => handlers.push(h),
    disconnectUser: (userId) => io.in(rooms.user(userId)).disconnectSockets(true),
    disconnectSession: (sid) => io.in(rooms.session(sid)).disconnectSockets(true),
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await Promise.all(pubsub.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
