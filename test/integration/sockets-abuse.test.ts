// Sockets cannot be used against the site or its server: handshakes only from the site's own
// pages, a bounded number of connections per address and of watches per socket, and a socket
// that floods events is throttled and then cut off while everyone else is still served.
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { startAgora, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { signedIn, type Client } from '../helpers/http.js';
import { ACK_MS, connectSocket, nextEvent, type TestSocket } from '../helpers/sockets.js';
import type { Ack, WatchAck } from '../../shared/events.js';

const sockets: TestSocket[] = [];
const open = async (url: string, headers: Record<string, string> = {}) => {
  const s = await connectSocket(url, undefined, headers);
  sockets.push(s);
  return s;
};
/** How a handshake ends: connected (then closed again) or refused. */
const handshake = (url: string, headers: Record<string, string> = {}) =>
  open(url, headers).then((s) => (s.disconnect(), 'connected'), () => 'refused');

afterAll(() => sockets.forEach((s) => s.disconnect()));

describe('the handshake Origin', () => {
  let site: Running;
  let behindPublicUrl: Running;
  beforeAll(async () => {
    site = await startAgora();
    behindPublicUrl = await startAgora({ env: { PUBLIC_URL: 'https://community.example.test' } });
  });
  afterAll(async () => {
    await site.close();
    await behindPublicUrl.close();
  });

  test("a handshake from another site's page is refused; the site's own pages connect", async () => {
    expect(await handshake(site.url, { Origin: 'https://evil.example' })).toBe('refused');
    expect(await handshake(site.url, { Origin: `http://evil.example:${site.port}` })).toBe('refused');
    expect(await handshake(site.url, { Origin: 'null' })).toBe('refused');
    expect(await handshake(site.url, { Origin: site.url })).toBe('connected');
  });

  test('a client that is not a browser page, and sends no Origin, connects', async () => {
    expect(await handshake(site.url)).toBe('connected');
  });

  test('with PUBLIC_URL set, only its origin is the site', async () => {
    expect(await handshake(behindPublicUrl.url, { Origin: 'https://community.example.test' })).toBe('connected');
    expect(await handshake(behindPublicUrl.url, { Origin: behindPublicUrl.url })).toBe('refused');
  });

  test('over the long-polling transport too, a handshake from another site is refused and the site connects', async () => {
    const poll = async (origin: string) => {
      const s = io(site.url, { transports: ['polling'], forceNew: true, reconnection: false, extraHeaders: { Origin: origin } });
      const outcome = await new Promise<string>((resolve) => {
        s.once('connect', () => resolve('connected'));
        s.once('connect_error', () => resolve('refused'));
      });
      s.disconnect();
      return outcome;
    };
    expect(await poll('https://evil.example')).toBe('refused');
    expect(await poll(site.url)).toBe('connected');
  });
});

describe('connections per client address', () => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ env: { SOCKET_MAX_PER_ADDRESS: '3' } });
  });
  afterAll(() => agora.close());

  test('an address holds at most SOCKET_MAX_PER_ADDRESS sockets; a closed one frees its place', async () => {
    const held = [await open(agora.url), await open(agora.url), await open(agora.url)];
    expect(await handshake(agora.url)).toBe('refused');
    held[0]!.disconnect();
    await eventually(async () => (await handshake(agora.url)) === 'connected', { what: 'a place is free again' });
    // The survivors are still served.
    expect(await held[1]!.timeout(ACK_MS).emitWithAck('forum:watch', { forumId: 'none' })).toEqual({ ok: false, error: { code: 'not_found' } });
  });
});

describe('watches per socket', () => {
  let agora: Running;
  let admin: Client;
  beforeAll(async () => {
    agora = await startAgora({ env: { SOCKET_MAX_WATCHES: '3', POST_RATE_PER_MINUTE: '1000' } });
    admin = await signedIn(agora.url, agora.stores.users, 'admin');
  });
  afterAll(() => agora.close());

  test('one socket watches at most SOCKET_MAX_WATCHES threads and forums; beyond, acks answer rate_limited', async () => {
    const forumId = (await admin.post('/api/forums', { slug: 'watches', title: 'Watches' })).body.forum.id as string;
    const threads: string[] = [];
    for (let i = 0; i < 4; i++) threads.push((await admin.post(`/api/forums/${forumId}/threads`, { title: `t${i}`, body: 'b' })).body.thread.id);
    const s = await open(agora.url);
    const watch = (threadId: string) => s.timeout(ACK_MS).emitWithAck('thread:watch', { threadId }) as Promise<WatchAck>;
    const watchForum = () => s.timeout(ACK_MS).emitWithAck('forum:watch', { forumId }) as Promise<Ack>;

    expect((await watch(threads[0]!)).ok).toBe(true);
    expect((await watch(threads[1]!)).ok).toBe(true);
    expect((await watchForum()).ok).toBe(true);
    expect(await watch(threads[2]!)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((await watch(threads[0]!)).ok).toBe(true); // watching again what it watches costs nothing
    // A watch that fails (an unknown thread) does not hold a place either.
    expect(await s.timeout(ACK_MS).emitWithAck('thread:unwatch', { threadId: threads[1]! })).toEqual({ ok: true });
    expect(await watch('no-such-thread')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await watch(threads[3]!)).ok).toBe(true);
    expect(await watch(threads[2]!)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    // Events of a watch refused at the cap do not reach the socket.
    const live = nextEvent(s, 'post:created');
    await admin.post(`/api/threads/${threads[2]}/posts`, { body: 'not for this socket' });
    await admin.post(`/api/threads/${threads[3]}/posts`, { body: 'for this socket' });
    expect((await live).post.threadId).toBe(threads[3]);
  });
});

describe.each(['memory', 'redis'] as const)('a socket flooding events on the %s store', (store) => {
  let agora: Running;
  let member: Client;
  // The server's clock stands still, so the bucket refills nothing while the flood is read and the
  // count of answered events does not depend on how busy the machine is.
  const frozen = Date.now();
  beforeAll(async () => {
    agora = await startAgora({ store, env: { POST_RATE_PER_MINUTE: '1000' }, now: () => frozen });
    member = await signedIn(agora.url, agora.stores.users, 'member');
  });
  afterAll(() => agora.close());

  /** One series from the process's own /metrics, e.g. `agora_open_sockets` or `x{reason="rate"}`. */
  const metric = async (series: string) => {
    const text = (await request(agora.url).get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return Number(line?.split(' ').pop() ?? 0);
  };

  test('is throttled, then disconnected, while another client is still served; memory stays bounded', async () => {
    const admin = await signedIn(agora.url, agora.stores.users, 'admin');
    const forumId = (await admin.post('/api/forums', { slug: 'flood', title: 'Flood' })).body.forum.id as string;
    const threadId = (await member.post(`/api/forums/${forumId}/threads`, { title: 'Flooded', body: 'first' })).body.thread.id as string;
    const heapBefore = await metric('nodejs_heap_size_used_bytes');

    const flooder = await open(agora.url);
    const bystander = await open(agora.url);
    const cutOff = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    const answers = { ok: 0, rateLimited: 0 };
    const FLOOD = 5_000;
    const pad = 'x'.repeat(1_000);
    for (let i = 0; i < FLOOD; i++) {
      flooder.emit('thread:watch', { threadId, since: 0, pad } as never, (ack: WatchAck) => {
        if (ack.ok) answers.ok++;
        else if (ack.error?.code === 'rate_limited') answers.rateLimited++;
      });
    }
    // While the flood is being read, the other client watches and receives a new post.
    const watched = bystander.timeout(10_000).emitWithAck('thread:watch', { threadId }) as Promise<WatchAck>;
    const posted = nextEvent(bystander, 'post:created', 10_000);
    expect((await watched).ok).toBe(true);
    const reply = await member.post(`/api/threads/${threadId}/posts`, { body: 'still served' });
    expect(reply.status).toBe(201);
    expect((await posted).post.id).toBe(reply.body.post.id);

    expect(await cutOff).toBe('io server disconnect');
    expect(answers.rateLimited).toBeGreaterThan(0);
    // Exactly a burst (SOCKET_EVENT_BURST, 40): with the clock still, nothing refills.
    expect(answers.ok).toBeLessThanOrEqual(40);
    expect(await metric('agora_socket_refusals_total{reason="flood"}')).toBe(1);
    expect(await metric('agora_socket_refusals_total{reason="rate"}')).toBeGreaterThanOrEqual(answers.rateLimited);
    await eventually(async () => (await metric('agora_open_sockets')) === 1, { what: 'the server counts one open socket' });
    // Generous: the flood itself is 5 MB on the wire; nothing of it may stay behind.
    expect(await metric('nodejs_heap_size_used_bytes')).toBeLessThan(heapBefore + 50 * 1024 * 1024);
  });

  test('events nobody handles spend from the same budget: a flood of them is refused and cut off too', async () => {
    const flooder = await open(agora.url);
    const cutOff = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    let rateLimited = 0;
    for (let i = 0; i < 500; i++) {
      (flooder as unknown as Socket).emit('no:such-event', { i }, (ack: Ack) => {
        if (ack.error?.code === 'rate_limited') rateLimited++;
      });
    }
    expect(await cutOff).toBe('io server disconnect');
    // The first burst is heard (and, having no handler, not answered); then the rate answers.
    expect(rateLimited).toBeGreaterThan(0);
  });

  test('a client that sends no more than an ordinary burst is never refused', async () => {
    const s = await open(agora.url);
    for (let i = 0; i < 30; i++) {
      expect(await s.timeout(ACK_MS).emitWithAck('forum:watch', { forumId: 'none' })).toEqual({ ok: false, error: { code: 'not_found' } });
    }
    expect(s.connected).toBe(true);
  });
});
