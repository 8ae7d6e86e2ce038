import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { startAgora, type Running } from '../helpers/agora.js';
import { createMemoryStores } from '../../server/store/index.js';
import { Client } from '../helpers/http.js';
import { connectSocket } from '../helpers/sockets.js';
import { PROCESS_START_MS } from '../helpers/process.js';
import { entryArgs } from '../helpers/entry.js';

describe('operations endpoints', () => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora();
  });
  afterAll(() => agora.close());

  test('/healthz and /readyz answer 200 while the store is reachable', async () => {
    expect((await request(agora.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(agora.url).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { store: 'ok', search: 'ok' } });
  });

  test('/metrics counts requests by route pattern and open sockets, with no personal data in labels', async () => {
    const c = new Client(agora.url);
    const { username } = await c.register();
    const s = await connectSocket(agora.url, c.cookieHeader());
    // A request that ends in an error keeps its full pattern (the routers' mount paths unwind on the way out).
    expect((await c.post('/api/auth/login', { username, password: 'not the password at all' })).status).toBe(401);
    const text = (await request(agora.url).get('/metrics').expect(200)).text;
    s.disconnect();
    expect(text).toMatch(/agora_http_requests_total\{method="POST",route="\/api\/auth\/register",status="201"\} \d+/);
    expect(text).toMatch(/agora_http_requests_total\{method="POST",route="\/api\/auth\/login",status="401"\} 1/);
    expect(text).toMatch(/agora_http_request_duration_seconds_bucket\{/);
    expect(text).toMatch(/agora_open_sockets 1/);
    expect(text).toMatch(/agora_search_index_ready 1/);
    expect(text).toMatch(/agora_search_index_documents 0/);
    expect(text).not.toContain(username);
    expect(text).not.toContain('@example.com');
  });
});

test('while the search index loads, /readyz says so and searching answers 503 with Retry-After; both recover once it has loaded', async () => {
  const stores = createMemoryStores({ secret: 'test' });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const load = stores.search.loadSnapshot.bind(stores.search);
  stores.search.loadSnapshot = async () => {
    await held;
    return load();
  };
  const agora = await startAgora({ stores, waitForSearch: false });
  try {
    const ready = await request(agora.url).get('/readyz');
    expect([ready.status, ready.body.checks]).toEqual([503, { store: 'ok', search: 'unavailable' }]);
    const res = await request(agora.url).get('/api/search?q=anything');
    expect([res.status, res.body.error.code, res.headers['retry-after']]).toEqual([503, 'unavailable', '5']);
    expect((await request(agora.url).get('/metrics')).text).toMatch(/agora_search_index_ready 0/);
    release();
    await agora.agora.search.whenReady();
    expect((await request(agora.url).get('/readyz')).status).toBe(200);
    expect((await request(agora.url).get('/api/search?q=anything')).status).toBe(200);
  } finally {
    release();
    await agora.close();
    await stores.close();
  }
});

describe('with METRICS_TOKEN set', () => {
  const TOKEN = 'metrics-token-for-the-scraper-0123';
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => agora.close());

  test('/metrics answers 401 unauthenticated without the bearer token, and the metrics with it; health checks stay open', async () => {
    const scrape = (authorization?: string) => {
      const r = request(agora.url).get('/metrics');
      return authorization === undefined ? r : r.set('Authorization', authorization);
    };
    for (const wrong of [undefined, '', TOKEN, `Basic ${TOKEN}`, 'Bearer ', `Bearer ${TOKEN.slice(0, -1)}`, `Bearer ${TOKEN}0`, `Bearer ${TOKEN.toUpperCase()}`]) {
      const res = await scrape(wrong);
      expect({ wrong, status: res.status, code: res.body?.error?.code }).toEqual({ wrong, status: 401, code: 'unauthenticated' });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(res.text).not.toContain('agora_http_requests_total');
    }
    for (const right of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const res = await scrape(right);
      expect(res.status).toBe(200);
      expect(res.text).toContain('agora_http_requests_total');
    }
    await request(agora.url).get('/healthz').expect(200);
    await request(agora.url).get('/readyz').expect(200);
  });
});

describe('operations endpoints on Redis', () => {
  let agora: Running;
  beforeAll(async () => {
    agora = await startAgora({ store: 'redis' });
  });
  afterAll(() => agora.close());

  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(series + ' '));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  test('/metrics reports the session and account caches: hits, misses, invalidations, entries, channel', async () => {
    const c = new Client(agora.url);
    const { username } = await c.register();
    for (let i = 0; i < 3; i++) await c.agent.get('/api/me').set('Cookie', c.cookieHeader()).expect(200);
    const first = (await request(agora.url).get('/metrics').expect(200)).text;
    for (const cache of ['session', 'user']) {
      expect(value(first, `agora_read_cache_lookups_total{cache="${cache}",result="hit"}`)).toBeGreaterThanOrEqual(2);
      expect(value(first, `agora_read_cache_lookups_total{cache="${cache}",result="miss"}`)).toBeGreaterThanOrEqual(1);
      expect(value(first, `agora_read_cache_entries{cache="${cache}"}`)).toBeGreaterThanOrEqual(1);
    }
    expect(value(first, 'agora_read_cache_invalidations_total{cache="session"}')).toBeGreaterThanOrEqual(1); // sign-in wrote the session
    expect(value(first, 'agora_read_cache_channel_up')).toBe(1);
    // Counters only grow between scrapes, by what happened in between.
    await c.agent.get('/api/me').set('Cookie', c.cookieHeader()).expect(200);
    const second = (await request(agora.url).get('/metrics').expect(200)).text;
    const hits = (t: string) => value(t, 'agora_read_cache_lookups_total{cache="session",result="hit"}')!;
    expect(hits(second)).toBe(hits(first) + 1);
    expect(second).not.toContain(username);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

test('on SIGTERM the process finishes the request in flight, closes sockets and exits 0', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, entryArgs('server/main', ['./test/helpers/exit-with-parent.mjs']), {
    cwd: path.resolve(__dirname, '../..'),
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_ACCOUNTS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`did not start: ${out}`)), PROCESS_START_MS);
      child.stdout.on('data', () => out.includes('listening') && (clearTimeout(t), resolve()));
    });
    expect(out).toContain(`Agora listening on http://127.0.0.1:${port} (development)`); // where HOST says, not always localhost
    expect(out).toContain('in memory only');
    const url = `http://127.0.0.1:${port}`;
    const socket = await connectSocket(url);
    const socketClosed = new Promise((resolve) => socket.on('disconnect', resolve));

    // A request whose body is only half sent when SIGTERM arrives is still answered. `Expect:
    // 100-continue` makes the server say when it has taken the request in; the shutdown's own log
    // line says when it has begun.
    const body = JSON.stringify({ body: 'a draft sent in two halves' });
    const req = http.request(`${url}/api/preview`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length), Expect: '100-continue' } });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
    });
    req.flushHeaders();
    await new Promise((resolve) => req.once('continue', resolve));
    req.write(body.slice(0, 10));
    const stopping = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('shutting down') && resolve()));
    child.kill('SIGTERM');
    await stopping;
    req.end(body.slice(10));
    expect(await answered).toBe(403); // what an anonymous preview without a CSRF token is always answered
    await socketClosed;
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
}, PROCESS_START_MS + 30_000);
