// A thread's page of posts is the largest answer a reader waits for: it goes out compressed when
// the browser accepts it, and stays an uncached, exact JSON answer. Answers under 8 kB (a new
// post's 201) go out as they are: compressing them costs CPU and saves no round trip.
import { get, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startAgora, type Running } from '../helpers/agora.js';
import { signedIn } from '../helpers/http.js';

let agora: Running;
let threadId: string;

beforeAll(async () => {
  agora = await startAgora({ env: { POST_RATE_PER_MINUTE: '1000' } });
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const forumId = (await admin.post('/api/forums', { slug: 'compressed', title: 'Compressed' })).body.forum.id;
  threadId = (await admin.post(`/api/forums/${forumId}/threads`, { title: 'Long thread', body: 'First.' })).body.thread.id;
  for (let i = 0; i < 20; i++) {
    await admin.post(`/api/threads/${threadId}/posts`, { body: `Reply ${i}: the export finished on the **second** try; the first one stopped at ${i * 7}%. It wrote the header row twice, and the totals column came out empty until the cache was cleared.` });
  }
});
afterAll(() => agora.close());

function fetchRaw(pathname: string, acceptEncoding: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(`${agora.url}${pathname}`, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test('a page of posts goes out brotli- or gzip-compressed as the browser accepts, and the same JSON either way', async () => {
  const path = `/api/threads/${threadId}/posts?limit=100`;
  const plain = await fetchRaw(path, 'identity');
  expect(plain.status).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  const json = JSON.parse(plain.body.toString('utf8'));
  expect(json.items).toHaveLength(21);
  // Over the 8 kB below which answers go out as they are (see the last test).
  expect(plain.body.length).toBeGreaterThan(8192);

  const br = await fetchRaw(path, 'gzip, deflate, br');
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['vary']).toMatch(/Accept-Encoding/i);
  expect(br.headers['cache-control']).toBe('no-store');
  expect(br.body.length).toBeLessThan(plain.body.length / 3);
  expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);

  const gz = await fetchRaw(path, 'gzip');
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(json);
});

test('a small answer, such as a new post\'s 201, goes out uncompressed even to a browser that accepts compression', async () => {
  const admin = await signedIn(agora.url, agora.stores.users, 'admin');
  const body = { body: `A reply long enough to pass compression's old 1 kB threshold once rendered: ${'the export finished on the second try. '.repeat(20)}` };
  const res = await admin.agent.post(`/api/threads/${threadId}/posts`).set('X-CSRF-Token', await admin.token()).set('Accept-Encoding', 'gzip, deflate, br').send(body);
  expect(res.status).toBe(201);
  expect(res.headers['content-encoding']).toBeUndefined();
  const text = res.text;
  expect(text.length).toBeGreaterThan(1024);
  expect(text.length).toBeLessThan(8192);
  expect(JSON.parse(text).post.id).toEqual(expect.any(String));
});

