// The web app as `npm start` serves it: the production build in dist/client (npm test builds it
// before jest), compressed, cached for good where names are hashed, and without source maps.
import { get, type IncomingHttpHeaders } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startAgora, type Running } from '../helpers/agora.js';
import { defaultClientDir } from '../../server/http/client.js';

let agora: Running;
const clientDir = defaultClientDir();

beforeAll(async () => {
  agora = await startAgora();
});
afterAll(async () => {
  await agora?.close();
});

interface Answer { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** A raw GET: the bytes as they came over the wire, not decoded by a client library. */
function fetchRaw(pathname: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(`${agora.url}${pathname}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The scripts and styles the built page links, as the browser asks for them. */
function linkedAssets(): string[] {
  const html = readFileSync(path.join(clientDir, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
}

const builtScripts = () => readdirSync(path.join(clientDir, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `/assets/${f}`);

test('the page links a hashed script and a hashed style sheet', () => {
  const assets = linkedAssets();
  expect(assets.some((a) => /\/assets\/index-[\w-]+\.js$/.test(a))).toBe(true);
  expect(assets.some((a) => /\/assets\/index-[\w-]+\.css$/.test(a))).toBe(true);
});

test('a browser that accepts brotli gets each script and style brotli-compressed and cached for good', async () => {
  for (const asset of linkedAssets()) {
    const plain = readFileSync(path.join(clientDir, asset));
    const res = await fetchRaw(asset, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    expect(res.body.length).toBeLessThan(plain.length / 2);
    expect(brotliDecompressSync(res.body).equals(plain)).toBe(true);
  }
});

test('a browser that accepts only gzip gets gzip, and one that accepts neither gets the plain file', async () => {
  for (const asset of linkedAssets()) {
    const plain = readFileSync(path.join(clientDir, asset));
    const gz = await fetchRaw(asset, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);
    // "br;q=0" refuses brotli: the client's word counts, not the server's preference.
    const refused = await fetchRaw(asset, { 'Accept-Encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
    const identity = await fetchRaw(asset, { 'Accept-Encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(identity.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(identity.body.equals(plain)).toBe(true);
  }
});

test('the page itself is revalidated on every load, at / and at any app path', async () => {
  for (const p of ['/', '/signin']) {
    const res = await fetchRaw(p, { 'Accept-Encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
  }
  const direct = await fetchRaw('/index.html');
  expect(direct.status).toBe(200);
  expect(direct.headers['cache-control']).toBe('no-cache');
});

test('no source map is served and no script points to one', async () => {
  const scripts = builtScripts();
  expect(scripts.length).toBeGreaterThan(1); // the page's script and the lazily loaded detector
  for (const script of scripts) {
    for (const encoding of ['br', 'identity']) expect((await fetchRaw(`${script}.map`, { 'Accept-Encoding': encoding })).status).toBe(404);
    for (const encoding of ['br', 'gzip', 'identity']) {
      const res = await fetchRaw(script, { 'Accept-Encoding': encoding });
      const text = (encoding === 'br' ? brotliDecompressSync(res.body) : encoding === 'gzip' ? gunzipSync(res.body) : res.body).toString('utf8');
      expect(text).not.toMatch(/sourceMappingURL/);
    }
  }
  expect(readdirSync(path.join(clientDir, 'assets')).filter((f) => f.endsWith('.map'))).toEqual([]);
});

test('an asset that is not in the build answers 404, not the web app', async () => {
  const res = await fetchRaw('/assets/index-doesnotexist.js', { 'Accept-Encoding': 'br' });
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).not.toMatch(/^text\/html/);
  const outside = await fetchRaw('/assets/..%2f..%2fpackage.json', { 'Accept-Encoding': 'br' });
  expect(outside.status).toBe(404);
});
