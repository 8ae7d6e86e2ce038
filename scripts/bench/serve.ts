// A bench server process's life: listen on loopback, say so on stdout (the orchestrator waits for
// that line), and close on SIGTERM/SIGINT (forced after 5 s).
import { createServer, type RequestListener } from 'node:http';

export function serveUntilSignalled(handler: RequestListener, port: number, ready: string): void {
  const server = createServer(handler);
  server.listen(port, '127.0.0.1', () => process.stdout.write(`${ready} on ${port}\n`));
  const shutdown = (): void => {
    setTimeout(() => process.exit(1), 5_000).unref();
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
