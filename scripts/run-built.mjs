// `npm run user:create` and `npm run search:reindex`: run a compiled command (dist/scripts/<name>.js),
// first rebuilding the server only when its sources are newer than that build and the build tools
// are installed. An install without dev dependencies (`npm prune --omit=dev`) has no compiler: it
// runs the build it has, as `npm start` does. Plain JavaScript so that it runs with nothing but node.
//   node scripts/run-built.mjs <name> [arguments for the command…]
import { existsSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { missingBuildTools } from './build-tools.mjs';
import { at, root, serverStaleness } from './build-state.mjs';

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
  process.stderr.write('usage: node scripts/run-built.mjs <command> [arguments…]\n');
  process.exit(2);
}
const built = at('dist', 'scripts', `${name}.js`);

// Its messages go to standard error: standard output is the command's own.
const why = serverStaleness(built);
if (why) {
  if (missingBuildTools().length) {
    if (!existsSync(built)) {
      process.stderr.write(`agora: there is no build of ${name} (${why}) and the build tools are not installed: run \`npm ci && npm run build\`.\n`);
      process.exit(1);
    }
    process.stderr.write(`agora: the build may be out of date (${why}), but the build tools are not installed; running it as it is.\n`);
  } else {
    process.stderr.write(`agora: rebuilding server (${why})…\n`);
    const r = spawnSync('npm', ['run', 'build:server', '--silent'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
    if (r.status !== 0) {
      // tsc writes its output even when it finds errors: date it back so the next run retries.
      if (existsSync(built)) utimesSync(built, 0, 0);
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}agora: the server build failed.\n`);
      process.exit(r.status ?? 1);
    }
  }
}

// The command in a process of its own, with this terminal (a password prompt needs it) and these arguments.
const r = spawnSync(process.execPath, [built, ...args], { stdio: 'inherit' });
if (r.error) throw r.error;
process.exit(r.status ?? 1);
