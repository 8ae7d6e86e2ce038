import path from 'node:path';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { NotFound } from '../errors.js';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

// The types of the files `vite build` precompresses (client/vite.config.mts), as express names them.
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

// Hashed build output only: one path segment of safe characters, so no request reaches outside it.
const ASSET = /^\/assets\/([A-Za-z0-9_][A-Za-z0-9_.-]*)$/;

/** The `.br` or `.gz` file the build wrote beside the asset, whichever the browser takes first. */
function encodingFor(req: Request): { encoding: string; ext: string } | null {
  if (req.acceptsEncodings('br') === 'br') return { encoding: 'br', ext: '.br' };
  if (req.acceptsEncodings('gzip') === 'gzip') return { encoding: 'gzip', ext: '.gz' };
  return null;
}

/**
 * Serves the built web app's files: hashed assets (their name changes with their content) are
 * cached for good, precompressed when the browser accepts it; HTML is revalidated on every load so a
 * new build reaches browsers at once. An unknown asset is a 404, not the web app's page.
 */
export function staticAssets(dir: string): Router {
  const r = Router();
  const assets = path.join(dir, 'assets');

  r.get('/assets/{*file}', (req: Request, res: Response, next: NextFunction) => {
    const name = ASSET.exec(req.path)?.[1];
    const type = name ? TYPES[path.extname(name)] : undefined;
    if (!name || !type) return next();
    res.vary('Accept-Encoding'); // the identity answer too, so a shared cache never hands it to all
    const chosen = encodingFor(req);
    if (!chosen) return next();
    res.sendFile(path.join(assets, name + chosen.ext), {
      cacheControl: false,
      dotfiles: 'deny',
      headers: { 'Content-Type': type, 'Content-Encoding': chosen.encoding, 'Cache-Control': IMMUTABLE },
    }, (err?: Error) => {
      // Not precompressed (small, or a development build): the plain file below.
      if (err && !res.headersSent) next();
    });
  });

  r.use(express.static(dir, {
    index: false,
    maxAge: '1h',
    setHeaders: (res, file) => {
      if (file.startsWith(assets + path.sep)) res.set('Cache-Control', IMMUTABLE);
      else if (file.endsWith('.html')) res.set('Cache-Control', 'no-cache');
    },
  }));
  r.use('/assets', (_req, _res, next) => next(new NotFound('There is no such file.')));
  return r;
}
