import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface Tracked { active: number; served: number; since: number }

/**
 * Graceful HTTP shutdown. Node's closeIdleConnections() also closes connections that were just
 * accepted and whose first request is still on its way, so a request sent right before SIGTERM
 * would be cut. Here: stop accepting, answer everything already taken in (with
 * `Connection: close`), close keep-alive connections as soon as they fall idle, and give a fresh
 * connection a moment to deliver its request before closing it.
 */
export function gracefulShutdown(server: Server, freshGraceMs = 1000) {
  const sockets = new Map<Socket, Tracked>();
  let stopping = false;
  server.on('connection', (s) => {
    sockets.set(s, { active: 0, served: 0, since: Date.now() });
    s.on('close', () => sockets.delete(s));
  });
  server.on('request', (req, res) => {
    const t = sockets.get(req.socket);
    if (t) t.active++;
    if (stopping) res.setHeader('Connection', 'close');
    res.on('close', () => {
      if (!t) return;
      t.active--;
      t.served++;
      if (stopping && t.active === 0) req.socket.end();
    });
  });

  const sweep = () => {
    const now = Date.now();
    for (const [s, t] of sockets) {
      if (t.active > 0) continue;
      if (t.served > 0 || now - t.since > freshGraceMs) s.destroy();
    }
  };

  return {
    /** Resolves once every connection has ended. */
    stop(): Promise<void> {
      stopping = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        sweep();
        const timer = setInterval(sweep, 50);
        timer.unref();
        server.once('close', () => clearInterval(timer));
      });
    },
  };
}
