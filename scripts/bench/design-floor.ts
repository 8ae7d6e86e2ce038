// A bound for the http and fanout sections, not a product: the parts DESIGN.md requires of every
// post, with everything else taken away. express with helmet's CSP, a size-limited JSON body,
// express-session (signed opaque cookie) and passport over Agora's in-process stores, CSRF proof,
// zod validation and the content pipeline, then a 201 with the post's view. No store write, no
// request log, no metrics: those cost the real server more, so no implementation of the design can
// post faster than this process does on the same core. With ADAPTER_KEY set it also runs the
// bare socket.io room of room.ts and broadcasts each post's `post:created` there (the publish the
// design requires, and nothing per socket), as the fan-out section's bound.
// Env: PORT, SESSION_SECRET; for sockets REDIS_URL, ADAPTER_KEY, ROOM. Prints "design floor
// listening on <port>" when ready.
import { createServer } from 'node:http';
import express from 'express';
import pino from 'pino';
import { authRoutes } from '../../server/auth/routes.js';
import { createPassport } from '../../server/auth/passport.js';
import { sessionMiddleware } from '../../server/auth/session.js';
import { loadConfig } from '../../server/config.js';
import { preparePost } from '../../server/content/pipeline.js';
import { postBody } from '../../shared/schemas/index.js';
import { errorHandler } from '../../server/http/errors.js';
import { csrfProtection, securityHeaders } from '../../server/http/security.js';
import { parse } from '../../server/http/validate.js';
import { createMemoryStores } from '../../server/store/index.js';
import { newId } from '../../server/store/ids.js';
import { attachRoom, type Room } from './room.js';
import { serveUntilSignalled } from './serve.js';

const port = Number(process.env.PORT ?? 0);
const secret = process.env.SESSION_SECRET ?? 'design floor secret, bench only';
const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: secret });
const stores = createMemoryStores({ secret });
const passport = createPassport(stores.users);
const csrf = csrfProtection({ secret, secure: false });
const unlimited = () => stores.limiters.create('bench', 1_000_000, 3600);

const app = express();
app.disable('x-powered-by');
app.use(securityHeaders(false));
const api = express.Router();
api.use(express.json({ limit: '100kb', strict: true }));
api.use(sessionMiddleware({ store: stores.sessions, secret, secure: false, lifetime: config.sessions }));
api.use(passport.initialize());
api.use(passport.session());
api.use(csrf.protect);
api.use('/auth', authRoutes({
  users: stores.users, passport, generateCsrfToken: csrf.generateToken, clearCsrfCookie: csrf.clearCookie, closeSessionSockets: () => {},
  limits: { loginAccount: unlimited(), loginIp: unlimited(), registerIp: unlimited() },
}));
api.post('/threads/:threadId/posts', (req, res) => {
  const user = req.user;
  if (!user) return void res.status(401).json({ error: { code: 'unauthenticated', message: 'Sign in first.' } });
  const body = parse(postBody, req.body);
  const prepared = preparePost({ body: body.body, acknowledge: body.acknowledgePii }, config.piiSeverity);
  const now = new Date().toISOString();
  const post = {
    id: newId(), threadId: req.params.threadId, author: { id: user.id, username: user.username }, html: prepared.html,
    piiTypes: prepared.piiTypes, createdAt: now, editedAt: null, status: 'visible',
  };
  const event = { seq: ++seq, post };
  // Broadcast after the answer, as a server that stores first would (a later turn of the event loop).
  if (sockets) setImmediate(() => sockets.io.to(room).emit('post:created', event));
  res.status(201).json({ post });
});
app.use('/api', api);
app.use(errorHandler(pino({ level: 'silent' })));

const server = createServer(app);
const adapterKey = process.env.ADAPTER_KEY;
const room = process.env.ROOM ?? 'room';
let seq = 0;
const sockets: Room | undefined = adapterKey
  ? attachRoom(server, { redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', key: adapterKey, room, name: 'design-floor' })
  : undefined;
(sockets?.ready ?? Promise.resolve()).then(
  () => serveUntilSignalled(server, port, 'design floor listening', sockets?.close),
  (err: Error) => {
    process.stderr.write(`design-floor: ${err.message}\n`);
    process.exit(1);
  },
);
