// Whether each part of the build is current: shared by `npm start` and the compiled commands
// (`npm run user:create`, `npm run search:reindex`), so they judge a stale build the same way.
// Plain JavaScript so that it runs with nothing but node.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this file belongs to. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const at = (...p) => path.join(root, ...p);

export const SERVER_BUILD = at('dist', 'server', 'main.js');
export const CLIENT_BUILD = at('dist', 'client', 'index.html');
const CONFIG = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest file under the given paths whose name `counts` (the compiler's inputs). */
function newest(paths, counts) {
  let best = { mtime: 0, file: '' };
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
    } else if (counts(p) && st.mtimeMs > best.mtime) {
      best = { mtime: st.mtimeMs, file: p };
    }
  };
  for (const p of paths) visit(at(p));
  return best;
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

/** Why a build needs making again, or null when it is current. */
function staleness(build, sources, counts) {
  const built = mtime(build);
  if (!built) return 'not built yet';
  const src = newest(sources, counts);
  return src.mtime > built ? `${path.relative(root, src.file)} changed` : null;
}

/** Why the server build (`tsc`: server/, shared/, scripts/) needs making again, judged by one of its outputs. */
export function serverStaleness(build = SERVER_BUILD) {
  return staleness(build, ['server', 'shared', 'scripts', ...CONFIG], (f) => /\.(ts|json)$/.test(f));
}

// A development build (`npm run dev`) carries source maps and no precompressed files: never serve it from `npm start`.
function isDevClientBuild() {
  const assets = at('dist', 'client', 'assets');
  return existsSync(assets) && readdirSync(assets).some((f) => f.endsWith('.map'));
}

/** Why the web app's build (Vite: client/, shared/) needs making again for `npm start`. */
export function clientStaleness() {
  return isDevClientBuild()
    ? 'the web app in dist/client is a development build'
    : staleness(CLIENT_BUILD, ['client', 'shared', ...CONFIG], (f) => !f.endsWith('.md'));
}
