// A copy of this checkout as a production machine holds it after `npm ci && npm prune --omit=dev`:
// package.json, the plain-JavaScript scripts, a current server build and the web app's build, and
// no sources. The tests of `npm start` and the compiled commands run there, so they never rebuild
// (or race other suites over) the real dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repo = path.resolve(__dirname, '../..');
const BUILD_TOOLS = ['typescript', 'vite'];
const LONG_AGO = new Date('2020-01-01T00:00:00Z');

/** What scripts/build-state.mjs (the helper `npm start` uses) says of a checkout's server build. */
export function serverStaleness(dir: string, build = 'dist/server/main.js'): string | null {
  const code = `import { serverStaleness, at } from ${JSON.stringify(path.join(dir, 'scripts', 'build-state.mjs'))};
process.stdout.write(JSON.stringify(serverStaleness(at(...${JSON.stringify(build.split('/'))}))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string | null;
}

/**
 * The server build (dist/server, dist/shared, dist/scripts, …) in a directory of its own: copied
 * from the real dist/ when that is current, else compiled there by tsc (type errors aside: tsc
 * writes its output all the same, as `npm run build:server` does).
 */
export function serverBuild(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agora-build-'));
  const fresh = ['dist/server/main.js', 'dist/scripts/user-create.js', 'dist/scripts/search-reindex.js'].every((b) => serverStaleness(repo, b) === null);
  if (fresh) {
    for (const part of ['server', 'shared', 'scripts']) cpSync(path.join(repo, 'dist', part), path.join(dir, part), { recursive: true });
  } else {
    spawnSync(path.join(repo, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', dir], { cwd: repo, encoding: 'utf8' });
  }
  if (!existsSync(path.join(dir, 'server', 'main.js'))) throw new Error('the server build failed');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Checkout {
  dir: string;
  /** A source file newer than the build, as after a `git pull` on a built checkout. */
  touchSource(rel?: string): void;
  /** Replaces package.json scripts (a stand-in build) in this copy. */
  scripts(changes: Record<string, string>): void;
  remove(): void;
}

/**
 * A production-like copy: `build` (from serverBuild) as dist/, the real web app build (npm test
 * makes it first) without source maps, and node_modules linking every installed package, leaving
 * out the build tools unless `buildTools`.
 */
export function builtCheckout(build: string, opts: { buildTools: boolean }): Checkout {
  const client = path.join(repo, 'dist', 'client');
  if (!existsSync(path.join(client, 'index.html'))) throw new Error('no web app build: run `npm run build:client` (npm test does) first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agora-checkout-'));
  // Configuration and scripts older than the build, as in a checkout built after its last change.
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(path.join(repo, f), path.join(dir, f));
  mkdirSync(path.join(dir, 'scripts'));
  for (const f of readdirSync(path.join(repo, 'scripts')).filter((f) => f.endsWith('.mjs'))) cpSync(path.join(repo, 'scripts', f), path.join(dir, 'scripts', f));
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', ...readdirSync(path.join(dir, 'scripts')).map((f) => `scripts/${f}`)]) {
    utimesSync(path.join(dir, f), LONG_AGO, LONG_AGO);
  }
  cpSync(build, path.join(dir, 'dist'), { recursive: true });
  cpSync(client, path.join(dir, 'dist', 'client'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of readdirSync(path.join(repo, 'node_modules'))) {
    if (name === '.bin' || name.startsWith('.') || (!opts.buildTools && BUILD_TOOLS.includes(name))) continue;
    symlinkSync(path.join(repo, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return {
    dir,
    touchSource(rel = 'server/changed.ts') {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), '// newer than the build\n');
      const later = new Date(Date.now() + 60_000);
      utimesSync(path.join(dir, rel), later, later);
    },
    scripts(changes) {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
      Object.assign(pkg.scripts, changes);
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
      utimesSync(path.join(dir, 'package.json'), LONG_AGO, LONG_AGO);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
