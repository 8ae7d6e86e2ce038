// `npm start`: run the built server, rebuilding first only the part whose sources are newer than
// its build. Plain JavaScript so that it runs with nothing but node, like the build it starts.
import { existsSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { missingBuildTools } from './build-tools.mjs';
import { clientStaleness, root, SERVER_BUILD, serverStaleness } from './build-state.mjs';
import { pathToFileURL } from 'node:url';

const server = serverStaleness();
const client = clientStaleness();

const parts = [server && 'server', client && 'client'].filter(Boolean);
if (parts.length) {
  const why = [server && `server: ${server}`, client && `client: ${client}`].filter(Boolean).join('; ');
  const hasTools = missingBuildTools().length === 0;
  if (!hasTools) {
    if (!existsSync(SERVER_BUILD)) {
      process.stderr.write(`agora: there is no build (${why}) and the build tools are not installed: run \`npm ci && npm run build\`.\n`);
      process.exit(1);
    }
    process.stderr.write(`agora: the build may be out of date (${why}), but the build tools are not installed; starting it as it is.\n`);
  } else {
    process.stdout.write(`agora: rebuilding ${parts.join(' and ')} (${why})…\n`);
    for (const part of parts) {
      // Quiet when it works (the one line above says enough); everything it said when it fails.
      const r = spawnSync('npm', ['run', `build:${part}`, '--silent'], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
      if (r.status !== 0) {
        // tsc writes its output even when it finds errors: date it back so the next start retries.
        if (part === 'server' && existsSync(SERVER_BUILD)) utimesSync(SERVER_BUILD, 0, 0);
        process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}agora: the ${part} build failed.\n`);
        process.exit(r.status ?? 1);
      }
    }
  }
}

// npm does not pass a SIGTERM sent to it on to its script: when npm goes away, shut down as if the
// signal had come here (the server's graceful shutdown), instead of holding the port as an orphan.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.kill(process.pid, 'SIGTERM'), 1000).unref();

await import(pathToFileURL(SERVER_BUILD).href);
