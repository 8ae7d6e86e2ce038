import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { staticAssets } from './static-assets.js';
import { pageOf } from '../../shared/pages.js';

/** Where `vite build` puts the web app, from source (server/) and compiled (dist/server/) alike. */
export function defaultClientDir(): string {
  const here = __dirname;
  const root = here.split(path.sep).includes('dist') ? path.resolve(here, '../../..') : path.resolve(here, '../..');
  return path.join(root, 'dist', 'client');
}

/** Serves the built web app; every other non-API GET gets index.html (client-side routing). */
export function clientRoutes(dir: string): Router {
  const r = Router();
  const index = path.join(dir, 'index.html');
  r.use(staticAssets(dir));
  r.get('/{*splat}', (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path.startsWith('/socket.io')) return next();
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web app is not built yet: run `npm run build`.');
      return;
    }
    // A path the web app has no page for, or a forum or thread this viewer may not see
    // (forum/pages.ts), answers 404: the page itself then says "Page not found".
    const status = typeof res.locals.pageStatus === 'number' ? res.locals.pageStatus : pageOf(req.path) ? 200 : 404;
    // Revalidated on every load, unless the route already chose stricter (a page whose path holds a
    // token: privatePage's `no-store`).
    if (!res.get('Cache-Control')) res.set('Cache-Control', 'no-cache');
    res.status(status).sendFile(index);
  });
  return r;
}
