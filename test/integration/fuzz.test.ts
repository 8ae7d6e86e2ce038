import fc from 'fast-check';
import request from 'supertest';
import { cleanRedis, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { Client, signedIn } from '../helpers/http.js';
import { ACK_MS, connectSocket, type TestSocket } from '../helpers/sockets.js';
import { dumpRedis } from '../helpers/redis-dump.js';

// Property-based tests over every route's body and query and every socket event's payload:
// whatever arrives, the answer is never a 5xx, the process stays up, and a refused request
// leaves the store as it was (rate-limit counters aside: counting refusals is their job).

const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', ''];
const hugeString = fc.integer({ min: 1, max: 3 }).map((k) => 'x'.repeat(k * 30_000));
const weirdString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\u2028', '\r\nBcc: x@example.com', '<script>alert(1)</script>', '../../etc/passwd', '%00', 'NaN'),
  hugeString,
);
const weirdNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 1e308, -0, 2 ** 53));
const leaf = fc.oneof(weirdString, weirdNumber, fc.boolean(), fc.constant(null));
const nastyObject = fc.dictionary(fc.oneof(fc.constantFrom(...NASTY_KEYS), fc.string({ maxLength: 10 })), fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })), { maxKeys: 6 });
const deep = fc.integer({ min: 50, max: 3000 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown);
/** Any JSON value a client could send, biased to the kinds that break servers. */
const anyBody = fc.oneof(fc.anything({ maxDepth: 3, withNullPrototype: false }), nastyObject, deep, leaf, fc.array(leaf));

/** A URL path segment for any string; a lone surrogate goes as the invalid UTF-8 bytes it would be. */
function pathSegment(raw: string): string {
  try {
    return encodeURIComponent(raw);
  } catch {
    return raw.split('').map((ch) => { try { return encodeURIComponent(ch); } catch { return '%ED%BF%BF'; } }).join('');
  }
}

interface RouteSpec { method: 'get' | 'post' | 'patch' | 'delete'; path: (ids: Ids) => string; as: 'anonymous' | 'member' | 'moderator' | 'admin'; fields?: string[] }
interface Ids { forumId: string; threadId: string; postId: string; userId: string; flagId: string; testimonialId: string }

/** Every route that takes a body or a query. Fields named here get targeted bad values too. */
const ROUTES: RouteSpec[] = [
  { method: 'post', path: () => '/api/auth/register', as: 'anonymous', fields: ['username', 'email', 'password'] },
  { method: 'post', path: () => '/api/auth/login', as: 'anonymous', fields: ['username', 'password'] },
  { method: 'post', path: () => '/api/forums', as: 'admin', fields: ['slug', 'title', 'description'] },
  { method: 'get', path: (i) => `/api/forums/${i.forumId}/threads`, as: 'anonymous' },
  { method: 'post', path: (i) => `/api/forums/${i.forumId}/threads`, as: 'member', fields: ['title', 'body', 'acknowledgePii'] },
  { method: 'get', path: (i) => `/api/threads/${i.threadId}/posts`, as: 'anonymous' },
  { method: 'post', path: (i) => `/api/threads/${i.threadId}/posts`, as: 'member', fields: ['body', 'acknowledgePii'] },
  { method: 'patch', path: (i) => `/api/posts/${i.postId}`, as: 'member', fields: ['body', 'acknowledgePii'] },
  { method: 'post', path: (i) => `/api/posts/${i.postId}/flags`, as: 'moderator', fields: ['reason'] },
  { method: 'post', path: () => '/api/preview', as: 'member', fields: ['body'] },
  { method: 'post', path: (i) => `/api/posts/${i.postId}/remove`, as: 'moderator', fields: ['reason'] },
  { method: 'post', path: (i) => `/api/posts/${i.postId}/purge`, as: 'moderator', fields: ['reason'] },
  { method: 'post', path: (i) => `/api/mod/flags/${i.flagId}/resolve`, as: 'moderator', fields: ['action'] },
  { method: 'post', path: (i) => `/api/mod/users/${i.userId}/ban`, as: 'moderator', fields: ['reason', 'until'] },
  { method: 'post', path: (i) => `/api/mod/users/${i.userId}/remove-posts`, as: 'moderator', fields: ['reason'] },
  { method: 'get', path: () => '/api/mod/audit', as: 'moderator' },
  { method: 'get', path: () => '/api/mod/queue', as: 'moderator' },
  { method: 'post', path: (i) => `/api/admin/users/${i.userId}/role`, as: 'admin', fields: ['role'] },
  { method: 'patch', path: () => '/api/me', as: 'member', fields: ['currentPassword', 'email', 'newPassword'] },
  { method: 'delete', path: () => '/api/me', as: 'member', fields: ['password', 'posts'] },
  { method: 'post', path: () => '/api/testimonials', as: 'member', fields: ['text'] },
  { method: 'patch', path: (i) => `/api/testimonials/${i.testimonialId}`, as: 'member', fields: ['text'] },
  { method: 'post', path: (i) => `/api/testimonials/${i.testimonialId}/consent`, as: 'member', fields: ['name', 'title'] },
  { method: 'post', path: () => '/api/referrals', as: 'member', fields: ['token', 'friendName', 'friendEmail'] },
];

/** Bodies that are wrong for the route: random shapes, or the real fields with wrong values. */
function badBody(fields: string[] | undefined) {
  const targeted = fields?.length
    ? fc.record(Object.fromEntries(fields.map((f) => [f, fc.oneof(weirdNumber, fc.constant(null), fc.array(leaf), nastyObject, hugeString, fc.constant(undefined))]))).filter((o) => Object.values(o).some((v) => v !== undefined))
    : anyBody;
  return fc.oneof(anyBody, targeted);
}

const anyQuery = fc.dictionary(fc.constantFrom('cursor', 'limit', 'actor', 'action', 'targetId', '__proto__', 'constructor'), fc.oneof(weirdString.filter((s) => s.length < 2000), fc.integer().map(String), fc.constantFrom('-1', '0', '101', '1e9', '%ZZ', 'eyJhIjoxfQ')), { maxKeys: 4 });

describe('fuzzing every route and socket event', () => {
  const prefix = testPrefix();
  let agora: Running;
  const as = {} as Record<RouteSpec['as'], Client>;
  let ids: Ids;

  beforeAll(async () => {
    agora = await startAgora({ store: 'redis', prefix, env: { POST_RATE_PER_MINUTE: '100000', REGISTER_PER_IP_PER_HOUR: '100000', LOGIN_MAX_FAILURES_PER_IP: '100000', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000', FLAG_DAILY_LIMIT: '100000', SOCKET_EVENT_BURST: '100000' } });
    as.anonymous = new Client(agora.url);
    as.member = await signedIn(agora.url, agora.stores.users, 'member');
    as.moderator = await signedIn(agora.url, agora.stores.users, 'moderator');
    as.admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await as.admin.post('/api/forums', { slug: 'fuzz', title: 'Fuzz' })).body.forum.id;
    const t = await as.member.post(`/api/forums/${forumId}/threads`, { title: 'fuzz', body: 'target' });
    const victim = await signedIn(agora.url, agora.stores.users, 'member');
    const flagger = await signedIn(agora.url, agora.stores.users, 'member');
    const flagId = (await flagger.post(`/api/posts/${t.body.post.id}/flags`, { reason: 'fuzz' })).body.flag.id;
    const testimonialId = (await as.member.post('/api/testimonials', { text: 'fuzz' })).body.testimonial.id;
    ids = { forumId, threadId: t.body.thread.id, postId: t.body.post.id, userId: victim.user!.id, flagId, testimonialId };
    for (const c of Object.values(as)) await c.token();
  });
  afterAll(async () => {
    await agora.close();
    await cleanRedis(prefix);
  });

  /**
   * The store, rate-limit counters left out, and the job workers' clock-driven bookkeeping too: a
   * BullMQ worker stamps `…:stalled-check` every 30 s, so a fuzz run that took longer on a busy
   * machine saw the store "change".
   */
  const bookkeeping = (line: string) => line.startsWith(`${prefix}rl:`) || /^\S+:stalled-check /.test(line);
  const snapshot = async () => (await dumpRedis(prefix)).split('\n').filter((l) => !bookkeeping(l)).sort().join('\n');

  test.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path({ forumId: ':forumId', threadId: ':threadId', postId: ':postId', userId: ':userId', flagId: ':flagId', testimonialId: ':testimonialId' })}`, r] as const))(
    '%s answers 4xx to bad input, never 5xx, and a refusal changes nothing',
    async (_name, route) => {
      const c = as[route.as];
      const url = route.path(ids);
      const before = await snapshot();
      await fc.assert(
        fc.asyncProperty(route.method === 'get' ? anyQuery : badBody(route.fields), async (input) => {
          const token = await c.token();
          const res = route.method === 'get'
            ? await c.agent.get(url).query(input as Record<string, string>)
            : await c.agent[route.method](url).set('X-CSRF-Token', token).set('Content-Type', 'application/json').send(JSON.stringify(input));
          expect(res.status).toBeLessThan(500);
          expect(res.body.error?.code).not.toBe('csrf_failed'); // the input reached the route
          if (res.status >= 400) expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
          if (route.method !== 'get') expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: 25, seed: 20261130 },
      );
      if (route.method !== 'get') expect(await snapshot()).toBe(before);
    },
    60_000,
  );

  test('malformed ids in every path answer 404 in the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(weirdString.filter((s) => s.length < 500), fc.constantFrom('__proto__', 'constructor', 'AAAAAAAAAAAAAAAA', '..', '%2e%2e')), async (raw) => {
        const id = pathSegment(raw);
        for (const path of [`/api/threads/${id}`, `/api/posts/${id}`, `/api/threads/${id}/posts`, `/api/forums/${id}/threads`]) {
          const res = await request(agora.url).get(path);
          expect([400, 404]).toContain(res.status);
          expect(res.body.error.code).toBeDefined();
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  test('opt-out links with any token answer 404 or 400 and opt nobody out', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(weirdString.filter((s) => s.length < 2000), fc.oneof(fc.constant(''), fc.constant('List-Unsubscribe=One-Click'), weirdString.filter((s) => s.length < 2000)), async (token, body) => {
        const res = await request(agora.url).post(`/unsubscribe/${pathSegment(token)}`).type('form').send(body);
        expect([400, 404]).toContain(res.status);
      }),
      { numRuns: 40, seed: 11 },
    );
    expect(await snapshot()).toBe(before);
  });

  test('bodies that are not UTF-8 JSON are refused with 400 and nothing is echoed', async () => {
    const c = as.member;
    const token = await c.token();
    for (const bytes of [Buffer.from([0x7b, 0x22, 0x62, 0x6f, 0x64, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), Buffer.from([0xc0, 0xaf]), Buffer.from('{"body": "\\ud800"}')]) {
      const res = await c.agent.post('/api/preview').set('X-CSRF-Token', token).set('Content-Type', 'application/json').send(bytes);
      expect(res.status).toBeLessThan(500);
    }
    const latin = await c.agent.post('/api/preview').set('X-CSRF-Token', token).set('Content-Type', 'application/json; charset=latin1').send('{"body":"x"}');
    expect(latin.status).toBe(400);
  });

  test('socket events with any payload get an ack or nothing, never crash the server', async () => {
    const cookies = [undefined, as.member.cookieHeader(), as.moderator.cookieHeader()];
    const sockets: TestSocket[] = await Promise.all(cookies.map((c) => connectSocket(agora.url, c)));
    let dropped = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('thread:watch', 'thread:unwatch', 'forum:watch', 'forum:unwatch', 'mod:watch'), anyBody, fc.nat({ max: 2 }), async (event, payload, who) => {
          const s = sockets[who]!;
          let ack: { ok: boolean; error?: { code: string } };
          try {
            ack = (await (s.timeout(ACK_MS) as unknown as { emitWithAck: (e: string, p: unknown) => Promise<{ ok: boolean }> }).emitWithAck(event, payload)) as typeof ack;
          } catch (err) {
            // The one other answer allowed: a message over the 100 kB socket limit closes that
            // connection (the server refuses to buffer it), and the client gives up on the ack at
            // once. An ack still missing after the bound is a failure, not a drop.
            expect((err as Error).message).toBe('socket has been disconnected');
            expect(s.connected).toBe(false);
            dropped++;
            sockets[who] = await connectSocket(agora.url, cookies[who]);
            return;
          }
          expect(typeof ack.ok).toBe('boolean');
          if (!ack.ok) expect(typeof ack.error?.code).toBe('string');
          if (event !== 'mod:watch' && event.endsWith(':watch') && ack.ok) {
            // Only a real, visible id could have been accepted.
            expect([ids.threadId, ids.forumId]).toContain((payload as { threadId?: string; forumId?: string })[event === 'thread:watch' ? 'threadId' : 'forumId']);
          }
        }),
        { numRuns: 150, seed: 42 },
      );
      // Events without an ack callback, and unknown events, are ignored.
      for (const s of sockets) {
        (s as unknown as { emit: (...a: unknown[]) => void }).emit('thread:watch', { threadId: ids.threadId });
        (s as unknown as { emit: (...a: unknown[]) => void }).emit('no:such:event', { x: 1 });
        (s as unknown as { emit: (...a: unknown[]) => void }).emit('thread:watch', '__proto__', 1, 2, 3);
      }
      for (const s of sockets) expect((await s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId: ids.threadId })).ok).toBe(true);
      await request(agora.url).get('/healthz').expect(200);
      expect(dropped).toBeLessThan(150);
    } finally {
      sockets.forEach((s) => s.disconnect());
    }
  }, 60_000);
});
