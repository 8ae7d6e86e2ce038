// The socket baseline of the removal, fan-out and memory sections: a bare socket.io server with
// the same Redis adapter and engine options as Agora and nothing else (no express, no sessions, no
// store). Sockets `join` one room (with ack) or the room they name; `POST /emit` with
// `{ event, payload, to? }` broadcasts that event to the room (or `to`) through the adapter and answers 204.
// Env: PORT, REDIS_URL, ADAPTER_KEY, ROOM. Prints "bare listening on <port>" when ready.
import { createServer } from 'node:http';
import { attachRoom } from './room.js';
import { serveUntilSignalled } from './serve.js';

const port = Number(process.env.PORT ?? 0);
const room = process.env.ROOM ?? 'room';
const key = process.env.ADAPTER_KEY;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!key) throw new Error('ADAPTER_KEY is required');

const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/emit') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    try {
      const { event, payload, to } = JSON.parse(body) as { event: string; payload: unknown; to?: string };
      if (typeof event !== 'string') throw new Error('no event');
      io.to(typeof to === 'string' ? to : room).emit(event, payload);
      res.writeHead(204).end();
    } catch {
      res.writeHead(400).end();
    }
  });
});

const sockets = attachRoom(http, { redisUrl, key, room, name: 'bare-socketio' });
const io = sockets.io;

sockets.ready.then(
  () => serveUntilSignalled(http, port, 'bare listening', sockets.close),
  (err: Error) => {
    process.stderr.write(`bare-socketio: ${err.message}\n`);
    process.exit(1);
  },
);
