import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../server/store/redis/db.js';
import { REDIS_URL, silentLogger, testPrefix } from '../helpers/agora.js';

// Agora's connection to a single Redis writes the commands of one tick together (its socket is
// corked until the tick ends): fewer system calls, the same commands, replies and order.

describe('a connection to a single Redis', () => {
  let client: Redis;
  const prefix = testPrefix();
  beforeAll(async () => {
    client = connectRedis({ url: REDIS_URL, cluster: false, logger: silentLogger() }) as Redis;
    await client.connect();
    await client.ping(); // past 'connect': the socket is set up for corking
  });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  });

  const socket = () => (client as unknown as { stream: Socket }).stream;

  test('holds the commands of one tick and writes them together when the tick ends', async () => {
    const s = socket();
    const replies = Promise.all([client.set(`${prefix}a`, '1'), client.incr(`${prefix}n`), client.get(`${prefix}a`)]);
    // Nothing has reached the socket yet: the three commands wait in its buffer.
    expect(s.writableCorked).toBe(1);
    expect(s.writableLength).toBeGreaterThan(0);
    expect(await replies).toEqual(['OK', 1, '1']);
    expect(s.writableCorked).toBe(0);
    expect(s.writableLength).toBe(0);
  });

  test('a thousand commands in one tick come back whole and in order', async () => {
    const n = 1000;
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? client.incr(`${prefix}count`) : client.echo(`m${i}`))));
    replies.forEach((r, i) => expect(r).toBe(i % 2 ? (i + 1) / 2 : `m${i}`));
  });

  test('commands sent from the replies of others (the next step of many requests) are held together too', async () => {
    await client.set(`${prefix}x`, 'x');
    const corkedWhenSent: number[] = [];
    const chained = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const v = await client.get(`${prefix}x`);
      const next = Promise.all([client.echo(`${v}${i}`), client.ping()]);
      corkedWhenSent.push(socket().writableCorked);
      return next;
    }));
    expect(chained.map(([e]) => e)).toEqual(Array.from({ length: 20 }, (_, i) => `x${i}`));
    expect(corkedWhenSent).toEqual(Array(20).fill(1));
  });
});
