// `npm test`'s first half: type-check the server (with its tests) and the web app side by side,
// then bring each build up to date when a source is newer than it (as `npm start` judges it): the
// suites start server processes from the server build (`node dist/server/main.js` starts in half
// the CPU of tsx), and the browser tests load the web app's production build. Any failure stops
// `npm test` before jest starts.
import { spawn, spawnSync } from 'node:child_process';
import { clientStaleness, root, serverStaleness } from './build-state.mjs';

const run = (args) =>
  new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('exit', (code) => resolve(code ?? 1));
  });

const step = (name, code) => {
  if (code !== 0) {
    process.stderr.write(`npm test: ${name} failed\n`);
    process.exit(code);
  }
};

// Two compilers at once: each is mostly one core, and the machine has two.
const [server, client] = await Promise.all([
  run(['exec', '--', 'tsc', '--noEmit', '-p', 'tsconfig.json']),
  run(['exec', '--', 'tsc', '--noEmit', '-p', 'client/tsconfig.json']),
]);
step('type-checking the server and tests', server);
step('type-checking the web app', client);
const stale = serverStaleness();
if (stale) {
  process.stdout.write(`npm test: building the server (${stale})\n`);
  step('building the server', spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' }).status ?? 1);
}
const staleClient = clientStaleness();
if (staleClient) {
  process.stdout.write(`npm test: building the web app (${staleClient})\n`);
  step('building the web app', spawnSync('npm', ['run', 'build:client', '--silent'], { cwd: root, stdio: 'inherit' }).status ?? 1);
}
