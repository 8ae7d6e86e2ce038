import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The client is served by the Agora server itself (same origin, strict CSP), so
// the build goes to dist/client and the dev server proxies the API and sockets.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  esbuild: undefined,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
      '/r/': 'http://127.0.0.1:3000',
      // The opt-out page is the web app on GET; its one-click POST goes to the server.
      '/unsubscribe/': { target: 'http://127.0.0.1:3000', bypass: (req) => (req.method === 'GET' ? '/index.html' : undefined) },
    },
  },
});
