import type { Socket } from 'node:net';
import type { Cluster, Redis } from 'ioredis';
import { connectRedis } from '../../server/store/redis/db.js';
import { REDIS_URL, redisTarget, silentLogger, testPrefix } from '../helpers/agora.js';

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
    try {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length) await client.del(...keys);
    } finally {
      client.disconnect();
    }
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

describe('a connection to a Redis Cluster', () => {
  let cluster: Cluster;
  const prefix = testPrefix();
  beforeAll(async () => {
    cluster = connectRedis({ url: (await redisTarget('redis-cluster')).url, cluster: true, logger: silentLogger() }) as Cluster;
    await cluster.connect();
  });
  afterAll(async () => {
    try {
      for (const node of cluster.nodes('master')) for (const k of await node.keys(`${prefix}*`)) await node.del(k);
    } finally {
      cluster.disconnect();
    }
  });

  test("holds each node's commands of one tick and writes them together; replies come back whole and in order", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `${prefix}k${i}`); // spread over every primary
    await Promise.all(keys.map((k) => cluster.set(k, k))); // every node connected and past 'connect'
    const streams = cluster.nodes('master').map((n) => (n as unknown as { stream: Socket }).stream);
    const replies = Promise.all(keys.map((k) => cluster.get(k)));
    expect(streams.map((s) => s.writableCorked)).toEqual(streams.map(() => 1));
    expect(await replies).toEqual(keys);
    expect(streams.map((s) => s.writableCorked)).toEqual(streams.map(() => 0));
  });
});
