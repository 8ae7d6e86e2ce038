// What a WebSocket upgrade leaves behind. engine.io runs its middlewares (here the session) on an
// upgrade with a stand-in response, and that stand-in stays referenced by the TCP socket's 'close'
// listener for as long as the connection is open (engine.io 6.6, WebSocketResponse). It points at
// the upgrade's request (its headers, parsed URL, session and cookie objects) and carries
// express-session's wrappers of `end` and `writeHead`, whose closures hold the same request: about
// 6 KiB per idle signed-in socket, measured with heap snapshots. engine.io calls `writeHead` once,
// when the upgrade is accepted and just before the 101 answer is written; after that nothing uses
// the stand-in, so it lets go of both then. This holds for a socket that starts on WebSocket and for
// one that starts on long-polling and upgrades (a browser's usual way).
// Written by hand: no library trims engine.io's handshake objects.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

type EngineMiddleware = (req: IncomingMessage, res: object, next: (err?: unknown) => void) => void;
type StandIn = Record<string, unknown> & { writeHead: (...args: unknown[]) => unknown };

/** `middleware` (the session's) as engine.io runs it, with an upgrade's stand-in response let go once answered. */
export function releasingUpgrades(middleware: RequestHandler): EngineMiddleware {
  return (req, res, next) => {
    // A polling request's response is a real one, done with when it is answered.
    if (res instanceof ServerResponse) return middleware(req as never, res as never, next as never);
    middleware(req as never, res as never, ((err?: unknown) => {
      if (!err) releaseWhenAnswered(res as StandIn);
      next(err);
    }) as never);
  };
}

function releaseWhenAnswered(res: StandIn): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: StandIn, ...args: unknown[]) {
    const answered = writeHead.apply(this, args);
    // Overwritten, not deleted: a deletion turns the object into a dictionary of about 800 bytes.
    res.req = null;
    res.writeHead = null as never;
    res.end = null;
    return answered;
  };
}
