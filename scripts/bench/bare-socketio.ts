// The socket baseline of the removal, fan-out and memory sections: a bare socket.io server with
// the same Redis adapter and engine options as Agora and nothing else (no express, no sessions, no
// store). Sockets `join` one room (with ack); `POST /emit` with `{ event, payload }` broadcasts
// that event to the room through the adapter and answers 204.
// Env: PORT, REDIS_URL, ADAPTER_KEY, ROOM. Prints "bare listening on <port>" when ready.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const room = process.env.ROOM ?? 'room';
const key = process.env.ADAPTER_KEY;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!key) throw new Error('ADAPTER_KEY is required');

const pub = new Redis(redisUrl, { lazyConnect: true });
const sub = new Redis(redisUrl, { lazyConnect: true });
for (const c of [pub, sub]) c.on('error', (err: Error) => process.stderr.write(`bare-socketio: redis: ${err.message}\n`));

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
      const { event, payload } = JSON.parse(body) as { event: string; payload: unknown };
      if (typeof event !== 'string') throw new Error('no event');
      io.to(room).emit(event, payload);
      res.writeHead(204).end();
    } catch {
      res.writeHead(400).end();
    }
  });
});

// The engine options of Agora's server/realtime/index.ts, so that only what Agora adds differs.
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 100_000, pingInterval: 20_000, pingTimeout: 5_000 });
io.on('connection', (socket) => {
  socket.on('join', async (ack: unknown) => {
    await socket.join(room);
    if (typeof ack === 'function') ack({ ok: true });
  });
});

async function main(): Promise<void> {
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key }));
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  process.stdout.write(`bare listening on ${port}\n`);
}

function shutdown(): void {
  const force = setTimeout(() => process.exit(1), 5_000);
  force.unref();
  io.close(() => {
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  });
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

main().catch((err) => {
  process.stderr.write(`bare-socketio: ${(err as Error).message}\n`);
  process.exit(1);
});
