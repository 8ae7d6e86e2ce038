import request from 'supertest';
import { cleanRedis, startAgora, testPrefix, type Running } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';
import { Client } from '../helpers/http.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const REDIS_PORT = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);

describe('when Redis becomes unreachable', () => {
  const proxy = new TcpProxy(REDIS_PORT);
  const prefix = testPrefix();
  let agora: Running;

  beforeAll(async () => {
    const port = await proxy.start();
    agora = await startAgora({ store: 'redis', prefix, redisUrl: `redis://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await agora.close();
    await proxy.stop();
    await cleanRedis(prefix);
  });

  test('requests answer 503 unavailable, /readyz 503, the process stays up, and all recovers once it is back', async () => {
    const c = new Client(agora.url);
    const { username, password } = await c.register();
    await request(agora.url).get('/readyz').expect(200);

    await proxy.stop();
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(503);
    expect(me.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    const login = await new Client(agora.url).post('/api/auth/login', { username, password });
    expect(login.status).toBe(503);
    const ready = await request(agora.url).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.store).toBe('unavailable');
    await request(agora.url).get('/healthz').expect(200);

    await proxy.start();
    // ioredis reconnects on its own (backing off up to 2 s): wait for readiness, no restart.
    await eventually(async () => expect((await request(agora.url).get('/readyz')).status).toBe(200), { what: 'Agora is ready again', intervalMs: 100 });
    await c.get('/api/auth/me').expect(200);
    const again = new Client(agora.url);
    expect((await again.login(username, password)).status).toBe(200);
  });
});
