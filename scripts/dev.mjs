// `npm run dev`: the server from source with reload (tsx watch) and the web app rebuilt on every
// change (vite build --watch, with source maps), served by that server on its own port so that the
// strict Content-Security-Policy and the same-origin sockets are exactly as in production.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const viteArgs = ['build', '--config', 'client/vite.config.mts', '--mode', 'development'];
const opts = { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' };

// One build before the server starts, so that its first page is never "not built yet".
process.stdout.write('agora dev: building the web app…\n');
const first = spawnSync(bin('vite'), [...viteArgs, '--logLevel', 'warn'], opts);
if (first.status !== 0) process.exit(first.status ?? 1);

// Each child in a process group of its own, so that a Ctrl-C reaches them once, from here, and not
// twice (tsx watch force-kills the server on a second signal, cutting its graceful shutdown short).
const watch = { ...opts, stdio: ['ignore', 'inherit', 'inherit'], detached: true };
const children = [
  spawn(bin('vite'), [...viteArgs, '--watch'], watch),
  spawn(bin('tsx'), ['watch', '--clear-screen=false', 'server/main.ts'], watch),
];
process.stdout.write('agora dev: watching server/, shared/ and client/ (reload the page after a client rebuild)\n');

let exiting = false;
const stop = (code, signal = 'SIGTERM') => {
  if (exiting) return;
  exiting = true;
  process.exitCode = code;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
};
for (const c of children) c.on('exit', (code, signal) => stop(code ?? (signal ? 1 : 0)));
process.on('SIGINT', () => stop(0, 'SIGINT'));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
// `npm run` does not pass a SIGTERM on to its script: when npm is gone, go too, rather than leave
// the watchers holding the port.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(0), 1000).unref();
