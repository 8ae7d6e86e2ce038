import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { SessionData } from 'express-session';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Stores } from '../store/index.js';
import type { UserStore } from '../store/users.js';
import type { SessionStore } from '../store/sessions.js';
import type { Metrics } from '../ops/metrics.js';
import { sessionEndsAt } from '../auth/session.js';
import { rooms } from './rooms.js';
import { eventDispatcher, type SocketHandler, type SocketHandlers } from './handlers.js';
import { judgedBy, subjectOf, type Subject } from '../auth/policy.js';
import { AddressCount, EventBudget, sameSiteOrigin, WatchBudget, type SocketLimits } from './limits.js';
import { closeSocketsOfEndedSessions, SESSION_SWEEP_MS } from './session-end.js';
import { releasingUpgrades } from './handshake.js';

export interface SocketData {
  /**
   * What the policy reads of the account (policy.subjectOf), with the app's clock its ban is read
   * by (policy.judgedBy): never the whole record, which thousands of open sockets would each keep.
   */
  user: Subject | null;
  sessionId: string | null;
  /** When the socket's session ends, as it was when last read (null: anonymous or no deadline). */
  sessionEndsAt: number | null;
  /** The threads and forums this socket watches, up to SOCKET_MAX_WATCHES. */
  watches: WatchBudget;
  /** What it may still send (SOCKET_EVENTS_PER_SECOND, SOCKET_EVENT_BURST). */
  budget: EventBudget;
}

type Handshake = Socket['handshake'];

/** What every socket's `handshake` is once connected (see the connection handler). */
const LEAN_HANDSHAKE: Handshake = Object.freeze({
  headers: Object.freeze({}), time: '', address: '', xdomain: false, secure: false, issued: 0, url: '', query: Object.freeze({}), auth: Object.freeze({}),
});

export type AgoraServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AgoraSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: AgoraServer;
  /** Features register their socket event handlers here, once; every socket is answered by them. */
  handle(handlers: SocketHandlers): void;
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
  /** The current account of a connecting socket, its session's end, and the cross-process adapter. */
  stores: Pick<Stores, 'socketAdapter'> & { users: Pick<UserStore, 'get'>; sessions: Pick<SessionStore, 'get'> };
  logger: Logger;
  metrics: Metrics;
  limits: SocketLimits;
  /** PUBLIC_URL's origin, if set: the only Origin a handshake may carry (else the request's host). */
  siteOrigin: string | undefined;
  /** The client's address as express reads it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress: (req: IncomingMessage) => string;
  now?: () => number;
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const now = deps.now ?? Date.now;
  const perAddress = new AddressCount(deps.limits.maxPerAddress);
  const io: AgoraServer = new Server(deps.httpServer, {
    serveClient: false,
    maxHttpBufferSize: 100_000,
    // No permessage-deflate (engine.io's default, said here on purpose): each compressing
    // connection would keep zlib contexts of tens of KiB, more than the rest of an idle socket.
    perMessageDeflate: false,
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

  // With a shared store, rooms span every process (the store's socket.io adapter); in memory, this one.
  const shared = deps.stores.socketAdapter?.(deps.logger);
  if (shared) io.adapter(shared.adapter as Parameters<AgoraServer['adapter']>[0]);

  // The same session cookie as HTTP: the socket is signed in as whoever the session says.
  io.engine.use(releasingUpgrades(deps.sessionMiddleware));
  io.use((socket, next) => {
    const req = socket.request as SessionRequest;
    const userId = req.session?.passport?.user;
    socket.data.user = null;
    socket.data.watches = new WatchBudget(deps.limits.maxWatches);
    socket.data.budget = new EventBudget(deps.limits, now());
    // Only a signed-in socket belongs to its session (a sign-out or the session's end closes it):
    // an anonymous one keeps no session id and joins no session room, one object fewer per reader.
    socket.data.sessionId = null;
    socket.data.sessionEndsAt = null;
    if (typeof userId !== 'string') return next();
    socket.data.sessionId = req.sessionID ?? null;
    socket.data.sessionEndsAt = req.session ? sessionEndsAt(req.session) : null;
    deps.stores.users.get(userId).then(
      (user) => {
        socket.data.user = user && subjectOf(judgedBy(user, deps.now));
        next();
      },
      () => next(new Error('unavailable')),
    );
  });

  const handlers = new Map<string, SocketHandler>();
  // One listener for all sockets (see eventDispatcher), and the open-socket gauge counted when
  // scraped: a connection adds no closure and no listener of Agora's own.
  const dispatch = eventDispatcher({ handlers, logger: deps.logger, limits: deps.limits, now, refused: (reason) => deps.metrics.socketRefusals.inc({ reason }) });
  deps.metrics.countSockets(() => io.of('/').sockets.size);
  io.on('connection', (socket) => {
    socket.onAny(dispatch);
    const user = socket.data.user;
    // A banned user may still read (API.md), so they may reconnect; a ban closes their open
    // sockets so that nothing they held open (a moderator's room) survives it.
    if (user) void socket.join(rooms.user(user.id));
    if (socket.data.sessionId) void socket.join(rooms.session(socket.data.sessionId));
    // The handshake's HTTP request (headers, its session, its TCP socket's objects) was needed only
    // by the middleware above; engine.io would keep it for the connection's whole life (socket.io's
    // "Memory usage" guide). What the handlers need of it is in socket.data.
    (socket.conn as unknown as { request: unknown }).request = null;
    // The handshake record keeps that request's headers (the cookie among them), its query, its
    // time as a string and its URL: about 400 bytes that nothing reads after the middleware. Every
    // socket shares one empty record instead.
    (socket as { handshake: Handshake }).handshake = LEAN_HANDSHAKE;
  });

  const closeEnded = () => closeSocketsOfEndedSessions(io, deps.stores.sessions, now);
  const sweep = setInterval(() => void closeEnded().catch(() => {}), SESSION_SWEEP_MS);
  sweep.unref();

  return {
    io,
    handle: (more) => {
      for (const [event, handler] of Object.entries(more)) {
        if (handlers.has(event)) throw new Error(`two handlers for the socket event ${event}`);
        handlers.set(event, handler);
      }
    },
    disconnectUser: (userId) => io.in(rooms.user(userId)).disconnectSockets(true),
    disconnectSession: (sid) => io.in(rooms.session(sid)).disconnectSockets(true),
    closeSocketsOfEndedSessions: closeEnded,
    close: async () => {
      clearInterval(sweep);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await shared?.close();
    },
  };
}
