import { defineConfig, type Plugin } from 'vite';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside every script and style, once at build time at the
 * highest levels, so the server only picks the file the browser accepts (server/http/client.ts)
 * instead of compressing on every request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'agora-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => /\.(js|css|svg|json)$/.test(f));
      await Promise.all(files.map(async (f) => {
        const file = path.join(outDir, f);
        const raw = await readFile(file);
        if (raw.length < 1024) return; // a few bytes saved would cost a round of negotiation
        const [br, gzipped] = await Promise.all([
          brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
          gz(raw, { level: constants.Z_BEST_COMPRESSION }),
        ]);
        await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
      }));
    },
  };
}

// The client is served by the Agora server itself (same origin, strict CSP), so the build goes to
// dist/client. `npm run dev` builds in development mode (scripts/dev.mjs): source maps, nothing
// precompressed. The production build has no source maps at all, so none can be served.
export default defineConfig(({ mode }) => {
  const dev = mode === 'development';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    build: {
      outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
      emptyOutDir: true,
      sourcemap: dev,
    },
    plugins: dev ? [] : [precompress()],
    esbuild: undefined,
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  };
});
