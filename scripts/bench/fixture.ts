// The Agora side of a section: Agora and bare socket.io processes on this section's Redis prefix,
// and a forum thread with signed-in accounts (accounts and forum straight in the store, the rest
// over HTTP, as a member would).
import { createHmac, randomBytes } from 'node:crypto';
import pino from 'pino';
import { createStores } from '../../server/store/index.js';
import { createAccount } from '../../server/auth/service.js';
import { SESSION_COOKIE } from '../../server/auth/session.js';
import { newId } from '../../server/store/ids.js';
import type { Role } from '../../shared/api.js';
import { REDIS_URL, type Resources } from './harness.js';
import { Session } from './http-session.js';
import { startServer, type Child } from './processes.js';

/** A realistic reply (≈300 bytes of Markdown, no personal data): what the HTTP and fan-out sections post. */
export const BENCH_POST = `Thanks, that fixed it for me too! Two notes for anyone landing here later:

- clear the **export cache** after upgrading, or the old column order sticks around
- the \`--format=csv\` flag now respects your saved view

See [the changelog](https://example.com/changelog) for the rest. Marking this as *solved*.
`;

/**
 * Agora on CPU 0 in test mode (plain-HTTP cookies), Redis store, flood control high enough never to
 * answer 429; `nodeArgs` go to its node.
 */
export function startAgora(res: Resources, name: string, port: number, nodeArgs: string[] = []): Promise<Child> {
  return startServer(name, 'server/main', {
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), REDIS_URL, REDIS_KEY_PREFIX: res.prefix, LOG_LEVEL: 'warn',
    DEMO_ACCOUNTS: '0', SESSION_SECRET: res.secret, POST_RATE_PER_MINUTE: '1000000',
    // Every bench socket comes from loopback: one address.
    SOCKET_MAX_PER_ADDRESS: '1000000',
  }, 'Agora listening', undefined, nodeArgs);
}

/**
 * Agora on CPU 0 with its in-memory backend (no REDIS_URL), otherwise as `startAgora`: what a post
 * costs when the store and the adapter cost next to nothing. Demo forums give it a forum to post in.
 */
export function startAgoraInMemory(res: Resources, name: string, port: number): Promise<Child> {
  return startServer(name, 'server/main', {
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DEMO_ACCOUNTS: '1', SESSION_SECRET: res.secret,
    POST_RATE_PER_MINUTE: '1000000', REGISTER_PER_IP_PER_HOUR: '1000000', SOCKET_MAX_PER_ADDRESS: '1000000',
  }, 'Agora listening');
}

/**
 * design-floor.ts on CPU 0: only the steps DESIGN.md requires of a post; with `sockets`, also the
 * bare socket.io room (this section's adapter key) that each post is broadcast to.
 */
export function startDesignFloor(res: Resources, name: string, port: number, sockets: boolean): Promise<Child> {
  const env: Record<string, string> = { PORT: String(port), SESSION_SECRET: res.secret };
  if (sockets) Object.assign(env, { REDIS_URL, ADAPTER_KEY: `${res.prefix}design-floor-socket.io`, ROOM: 'thread' });
  return startServer(name, 'scripts/bench/design-floor', env, 'design floor listening');
}

/** The bare socket.io baseline on CPU 0, with the Redis adapter under this section's prefix. */
export function startBareSocketIo(res: Resources, name: string, port: number, nodeArgs: string[] = []): Promise<Child> {
  return startServer(name, 'scripts/bench/bare-socketio', { PORT: String(port), REDIS_URL, ADAPTER_KEY: `${res.prefix}bare-socket.io`, ROOM: 'thread' }, 'bare listening', undefined, nodeArgs);
}

export interface BenchThread {
  tag: string;
  forumId: string;
  threadId: string;
  /** One signed-in session per account, all at `agoraUrl`; the first started the thread. */
  sessions: Session[];
}

/** `accounts` members who sign up over HTTP at `url`, each signed in. */
export async function signUp(url: string, accounts: number): Promise<Session[]> {
  const tag = randomBytes(4).toString('hex');
  return Promise.all(Array.from({ length: accounts }, async (_, i) => {
    const s = new Session(url);
    await s.register(`benchmem${tag}n${i}`, `bench password ${tag}`);
    return s;
  }));
}

/** On an in-memory Agora: `accounts` members who sign up over HTTP, and a thread in its first forum. */
export async function setUpMemoryThread(agoraUrl: string, accounts: number): Promise<BenchThread> {
  const sessions = await signUp(agoraUrl, accounts);
  const forums = await fetch(`${agoraUrl}/api/forums`).then((r) => r.json() as Promise<{ items: { id: string }[] }>);
  const forumId = forums.items[0]?.id;
  if (!forumId) throw new Error('the in-memory Agora has no forum');
  const created = await sessions[0]!.expect(201, `/api/forums/${forumId}/threads`, { title: 'Bench thread', body: 'The first post of the bench thread.' });
  return { tag: 'memory', forumId, threadId: (created.body as { thread: { id: string } }).thread.id, sessions };
}

/** `accounts` accounts of `role` signed in at `agoraUrl`, a new forum, and a thread in it; `timeoutMs` bounds each request. */
export async function setUpThread(res: Resources, agoraUrl: string, accounts: number, role: Role, timeoutMs?: number): Promise<BenchThread> {
  if (!res.stores) {
    const opened = await createStores({ redisUrl: REDIS_URL, keyPrefix: res.prefix, secret: res.secret, logger: pino({ level: 'silent' }) });
    if (res.closed) {
      await opened.close(); // the clean-up has already run
      throw new Error('section closed');
    }
    res.stores = opened;
  }
  const stores = res.stores;
  const tag = randomBytes(4).toString('hex');
  const password = `bench password ${tag}`;
  const made = await Promise.all(Array.from({ length: accounts }, (_, i) =>
    createAccount(stores.users, { username: `bench${role}${tag}n${i}`, email: `bench${role}${tag}n${i}@example.com`, password, role })));
  const forumId = newId();
  await stores.forum.createForum({ id: forumId, slug: `bench-${tag}`, title: 'Bench', description: 'bench forum', createdAt: new Date().toISOString() });
  const sessions = await Promise.all(made.map(async (a) => {
    const s = new Session(agoraUrl, timeoutMs);
    await s.login(a.username, password);
    return s;
  }));
  const created = await sessions[0]!.expect(201, `/api/forums/${forumId}/threads`, { title: 'Bench thread', body: 'The first post of the bench thread.' });
  return { tag, forumId, threadId: (created.body as { thread: { id: string } }).thread.id, sessions };
}

const DAY = 86_400_000;

/** A signed-in session written straight to the store, and the cookie that names it (as express-session signs it). */
export async function sessionCookie(res: Resources, userId: string): Promise<string> {
  const sid = randomBytes(18).toString('base64url');
  const t = Date.now();
  const sess = {
    cookie: { originalMaxAge: 30 * DAY, expires: new Date(t + 30 * DAY).toISOString(), secure: false, httpOnly: true, path: '/', sameSite: 'lax' },
    passport: { user: userId }, createdAt: new Date(t).toISOString(), idleUntil: t + 7 * DAY, absoluteUntil: t + 30 * DAY,
  };
  await res.stores!.sessions.set(sid, JSON.stringify(sess), 7 * DAY, userId);
  const mac = createHmac('sha256', res.secret).update(sid).digest('base64').replace(/=+$/, '');
  return `${SESSION_COOKIE}=${encodeURIComponent(`s:${sid}.${mac}`)}`;
}
