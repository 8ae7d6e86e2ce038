// The HTTP section's baseline: a bare express 5 app with `express.json()` and one POST route at
// Agora's path answering 201 with a small JSON; no session, CSRF, store or pipeline.
// Env: PORT. Prints "bare express listening on <port>" when ready.
import { createServer } from 'node:http';
import express from 'express';
import { serveUntilSignalled } from './serve.js';

const port = Number(process.env.PORT ?? 0);
const app = express();
app.use(express.json());
let n = 0;
app.post('/api/threads/:threadId/posts', (req, res) => {
  const body = (req.body as { body?: unknown }).body;
  res.status(201).json({ post: { id: `p${++n}`, threadId: req.params.threadId, length: typeof body === 'string' ? body.length : 0 } });
});

serveUntilSignalled(createServer(app), port, 'bare express listening');
