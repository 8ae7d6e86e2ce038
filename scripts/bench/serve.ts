// A bench server process's life: listen on loopback, say so on stdout (the orchestrator waits for
// that line), and close on SIGTERM/SIGINT (forced after 5 s).
import type { Server } from 'node:http';

export function serveUntilSignalled(server: Server, port: number, ready: string, close?: () => Promise<void>): void {
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${ready} on ${port}\n`));
  const shutdown = (): void => {
    setTimeout(() => process.exit(1), 5_000).unref();
    if (close) void close().finally(() => process.exit(0));
    else server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
