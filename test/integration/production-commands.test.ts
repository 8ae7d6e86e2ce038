// `npm start`, `npm run user:create` and `npm run search:reindex` as README runs them on a built
// checkout: nothing rebuilt when the build is current, a stale build rebuilt only where the build
// tools are installed, and an install pruned of dev dependencies running the build it has (the
// first admin of a production site is made that way). Each runs in a production-like copy
// (test/helpers/built-checkout.ts), never in this checkout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { builtCheckout, serverBuild, serverStaleness, type Checkout } from '../helpers/built-checkout.js';
import { cleanRedis, makeStores, REDIS_URL, testPrefix } from '../helpers/agora.js';
import { eventually } from '../helpers/eventually.js';

jest.setTimeout(60_000);

const prefix = testPrefix();
const PROD = { NODE_ENV: 'production', REDIS_URL, REDIS_KEY_PREFIX: prefix, SESSION_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://127.0.0.1:25' };
// No update notice from npm: standard error is the commands' own.
const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false' });
// A stand-in for a build, so a test of "rebuilds when stale" costs no compile: it leaves a mark
// and dates the named outputs after every source.
const fakeBuild = (mark: string, outputs: string[], remove: string[] = []) =>
  `node -e "const fs=require('fs');fs.writeFileSync('${mark}','');${remove.map((f) => `fs.rmSync('${f}');`).join('')}const t=new Date(Date.now()+3600e3);for(const f of ${JSON.stringify(outputs).replace(/"/g, "'")})fs.utimesSync(f,t,t)"`;

let build: { dir: string; remove(): void };
const checkouts: Checkout[] = [];
const children: ChildProcess[] = [];
const checkout = (buildTools: boolean) => {
  const c = builtCheckout(build.dir, { buildTools });
  checkouts.push(c);
  return c;
};

beforeAll(() => {
  build = serverBuild();
}, 300_000);

afterAll(async () => {
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); }) : undefined)));
  for (const c of checkouts) c.remove();
  build?.remove();
  await cleanRedis(prefix);
});

const npmRun = (c: Checkout, args: string[], env: Record<string, string>, input = '') =>
  spawnSync('npm', ['run', ...args], { cwd: c.dir, input, encoding: 'utf8', timeout: 50_000, env: { ...baseEnv(), ...env } });

describe('npm run user:create and search:reindex', () => {
  test('after `npm prune --omit=dev` they run the build they have, stale or not, and make the first admin', async () => {
    const c = checkout(false);
    const fresh = npmRun(c, ['user:create', '--', '--username', 'founder', '--email', 'founder@example.com', '--role', 'admin'], PROD, 'a very good password\n');
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toMatch(/^Created admin founder \(id [A-Za-z0-9_-]{16}\)\.$/m);
    expect(fresh.status).toBe(0);
    const stores = await makeStores('redis', prefix);
    try {
      expect(await stores.users.findByUsername('founder')).toMatchObject({ role: 'admin', email: 'founder@example.com' });
    } finally {
      await stores.close();
    }

    // Sources newer than the build (a `git pull` without a rebuild) and no compiler: said, then run.
    c.touchSource();
    const stale = npmRun(c, ['user:create', '--', '--username', 'second', '--email', 'second@example.com', '--role', 'member'], PROD, 'a very good password\n');
    expect(stale.stderr).toBe('agora: the build may be out of date (server/changed.ts changed), but the build tools are not installed; running it as it is.\n');
    expect(stale.stdout).toMatch(/^Created member second /m);
    expect(stale.status).toBe(0);

    const reindex = npmRun(c, ['search:reindex'], PROD);
    expect(reindex.stderr).toContain('running it as it is');
    expect(reindex.stderr).not.toMatch(/rebuilding|tsc|error/i);
    expect(reindex.status).toBe(0);
  });

  test('without a build and without the build tools they say what to run', () => {
    const c = checkout(false);
    rmSync(path.join(c.dir, 'dist', 'scripts', 'user-create.js'));
    const r = npmRun(c, ['user:create', '--', '--username', 'x_y', '--email', 'x@example.com', '--role', 'admin'], PROD, 'a very good password\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('agora: there is no build of user-create (not built yet) and the build tools are not installed: run `npm ci && npm run build`.');
  });

  test('with the build tools they rebuild the server only when a source is newer than the build', () => {
    const c = checkout(true);
    c.scripts({ 'build:server': fakeBuild('rebuilt', ['dist/scripts/user-create.js']) });
    // A bad role: the command itself answers, so it ran, without Redis or a password.
    const args = ['user:create', '--', '--username', 'x_y', '--email', 'x@example.com', '--role', 'king'];
    const current = npmRun(c, args, PROD);
    expect(current.stderr).not.toContain('rebuilding');
    expect(current.stderr).toMatch(/--role/);
    expect(current.status).toBe(2);
    expect(serverStaleness(c.dir, 'dist/scripts/user-create.js')).toBeNull();

    c.touchSource('shared/changed.ts');
    expect(serverStaleness(c.dir, 'dist/scripts/user-create.js')).toBe('shared/changed.ts changed');
    const stale = npmRun(c, args, PROD);
    expect(stale.stderr).toMatch(/^agora: rebuilding server \(shared\/changed\.ts changed\)…\n/);
    expect(stale.stderr).toMatch(/--role/);
    expect(stale.status).toBe(2);
    expect(spawnSync('test', ['-e', path.join(c.dir, 'rebuilt')]).status).toBe(0);
  });
});

/** `node scripts/start.mjs` in the checkout, on a free loopback port: its output once it listens (or exits). */
async function start(c: Checkout, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: c.dir,
    env: { ...baseEnv(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DEMO_ACCOUNTS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let exit: number | null | undefined;
  child.on('exit', (code) => (exit = code));
  await eventually(() => out.includes('Agora listening') || exit !== undefined, { what: 'the server to listen or exit', timeoutMs: 45_000 });
  const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
  return { out: () => out, exit: () => exit, url: port && `http://127.0.0.1:${port}` };
}

describe('npm start', () => {
  test('on a current build it only starts: no rebuild line, and it serves the API and the web app', async () => {
    const c = checkout(true);
    const s = await start(c);
    expect(s.out()).not.toMatch(/rebuild|out of date/);
    expect(s.url).toBeTruthy();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script');
  });

  test('rebuilds the stale parts first, in one line, then starts', async () => {
    const c = checkout(true);
    c.touchSource();
    // The web app as `npm run dev` leaves it: source maps beside the scripts.
    spawnSync('cp', [path.join(c.dir, 'dist', 'client', 'index.html'), path.join(c.dir, 'dist', 'client', 'assets', 'dev.js.map')]);
    c.scripts({
      'build:server': fakeBuild('server-rebuilt', ['dist/server/main.js']),
      'build:client': fakeBuild('client-rebuilt', ['dist/client/index.html'], ['dist/client/assets/dev.js.map']),
    });
    const s = await start(c);
    expect(s.out()).toMatch(/^agora: rebuilding server and client \(server: server\/changed\.ts changed; client: the web app in dist\/client is a development build\)…\nAgora listening/);
    expect(spawnSync('test', ['-e', path.join(c.dir, 'server-rebuilt')]).status).toBe(0);
    expect(spawnSync('test', ['-e', path.join(c.dir, 'client-rebuilt')]).status).toBe(0);
  });

  test('without the build tools: a stale build starts as it is with a warning, no build at all is refused', async () => {
    const c = checkout(false);
    c.touchSource();
    const s = await start(c);
    expect(s.out()).toMatch(/^agora: the build may be out of date \(server: server\/changed\.ts changed\), but the build tools are not installed; starting it as it is\.\n/);
    expect(s.url).toBeTruthy();

    const none = checkout(false);
    rmSync(path.join(none.dir, 'dist', 'server'), { recursive: true });
    const r = await start(none);
    expect(r.exit()).toBe(1);
    expect(r.out()).toContain('there is no build (server: not built yet) and the build tools are not installed');
  });
});
