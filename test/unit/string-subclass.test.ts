// Guards a performance cliff found with the bench: on Node 20 (V8 11.3), once any module declares
// `class … extends String`, every String.prototype method call on a primitive string in the
// process leaves V8's fast path (charCodeAt about 5× slower, slice 2×). ioredis 6 declares one
// (its RESP3 VerbatimString), which made the personal-data detector 3× slower in the server and
// put the content pipeline over its speed target. This test reads the source of every package the
// server ships with (package.json dependencies, transitively) and fails if one declares such a class.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SUBCLASS = /\bclass\s+[\w$]*\s*extends\s+String\b/;

function packageDir(name: string, from: string): string | null {
  // Node's own lookup: node_modules beside `from`, then each folder above it.
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

function productionPackages(): Map<string, string> {
  const found = new Map<string, string>(); // dir → name
  const queue: [string, string][] = Object.keys(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).dependencies).map((n) => [n, ROOT]);
  while (queue.length) {
    const [name, from] = queue.pop()!;
    const dir = packageDir(name, from);
    if (!dir || found.has(dir)) continue;
    found.set(dir, name);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push([dep, dir]);
  }
  return found;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue; // nested packages are visited as packages of their own
    const full = path.join(dir, entry);
    const st = statSync(full);
    if (st.isDirectory()) yield* sources(full);
    else if (/\.(c|m)?js$/.test(entry) && !entry.endsWith('.min.js')) yield full;
  }
}

test('no production dependency declares a subclass of String', () => {
  const packages = productionPackages();
  expect(packages.size).toBeGreaterThan(20); // the walk really reached the dependency tree
  expect([...packages.values()]).toEqual(expect.arrayContaining(['ioredis', 'markdown-it', 'sanitize-html', 'express']));
  const offenders: string[] = [];
  for (const dir of packages.keys()) {
    for (const file of sources(dir)) if (SUBCLASS.test(readFileSync(file, 'utf8'))) offenders.push(path.relative(ROOT, file));
  }
  expect(offenders).toEqual([]);
});

test('the pattern catches the declaration that ioredis 6 shipped', () => {
  expect(SUBCLASS.test('class VerbatimString extends String {\n  constructor(format, value) {')).toBe(true);
  expect(SUBCLASS.test('const X = class extends String {}')).toBe(true);
  expect(SUBCLASS.test('class Parser extends Stringifier {}')).toBe(false);
});
