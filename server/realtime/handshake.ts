// What a WebSocket handshake leaves behind. engine.io runs its middlewares (here the session) on
// an upgrade with a stand-in response, and that stand-in stays referenced by the TCP socket's
// 'close' listener for as long as the connection is open (engine.io 6.6, WebSocketResponse). It
// points at the handshake's request (its headers, parsed URL, session and cookie objects) and
// carries express-session's wrappers of `end` and `writeHead`, whose closures hold the same
// request: about 6 KiB per idle signed-in socket, measured with heap snapshots. Nothing uses either
// once the connection is made (the upgrade's headers are written by then), so both are let go.
// Written by hand: no library trims engine.io's handshake objects.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

type EngineMiddleware = (req: IncomingMessage, res: object, next: (err?: unknown) => void) => void;

/** The stand-in responses of upgrades still in progress, by their request. */
export class HandshakeLeftovers {
  private responses = new WeakMap<IncomingMessage, Record<string, unknown>>();

  /** `middleware` (the session's) as engine.io runs it, noting each upgrade's stand-in response. */
  wrap(middleware: RequestHandler): EngineMiddleware {
    return (req, res, next) => {
      // A polling request's response is a real one, done with when it is answered.
      if (!(res instanceof ServerResponse)) this.responses.set(req, res as Record<string, unknown>);
      middleware(req as never, res as never, next as never);
    };
  }

  /** Once the connection is made: the stand-in drops the request and express-session's wrappers. */
  release(req: IncomingMessage): void {
    const res = this.responses.get(req);
    if (!res) return;
    this.responses.delete(req);
    // Own properties set by express-session (on-headers and its `end`), over the class's methods.
    // Overwritten, not deleted: a deletion turns the object into a dictionary of about 800 bytes.
    res.req = null;
    res.writeHead = null;
    res.end = null;
  }
}
