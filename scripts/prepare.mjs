// npm's `prepare` (after `npm install` and `npm ci`): build once, so that `npm start` only starts.
// An install without dev dependencies (`npm ci --omit=dev` on a server that receives a build made
// elsewhere) has no compiler: it keeps the build it has instead of failing the install.
import { spawnSync } from 'node:child_process';
import { missingBuildTools } from './build-tools.mjs';

const missing = missingBuildTools();
if (missing.length) {
  process.stdout.write(`agora: not building (${missing.join(' and ')} not installed: dev dependencies omitted); run \`npm run build\` where they are.\n`);
  process.exit(0);
}
const r = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
