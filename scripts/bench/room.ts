// The socket side shared by the bare socket.io baseline and the design floor: socket.io with the
// Redis adapter and Agora's engine options (server/realtime/index.ts), where sockets `join` one
// room (with ack), or a room they name. Nothing else: no sessions on the socket, no store.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

export interface Room {
  io: Server;
  /** Resolves once both adapter connections are up. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function attachRoom(http: HttpServer, opts: { redisUrl: string; key: string; room: string; name: string }): Room {
  const pub = new Redis(opts.redisUrl, { lazyConnect: true });
  const sub = new Redis(opts.redisUrl, { lazyConnect: true });
  for (const c of [pub, sub]) c.on('error', (err: Error) => process.stderr.write(`${opts.name}: redis: ${err.message}\n`));
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 100_000, pingInterval: 20_000, pingTimeout: 5_000 });
  io.on('connection', (socket) => {
    // `join` with an ack joins the room; `join` with a room name first joins that one instead.
    socket.on('join', async (...args: unknown[]) => {
      const ack = args[args.length - 1];
      await socket.join(typeof args[0] === 'string' ? args[0] : opts.room);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });
  const ready = Promise.all([pub.connect(), sub.connect()]).then(() => {
    io.adapter(createAdapter(pub, sub, { key: opts.key }));
  });
  return {
    io,
    ready,
    close: () => new Promise<void>((resolve) => {
      io.close(() => {
        pub.disconnect();
        sub.disconnect();
        resolve();
      });
    }),
  };
}
