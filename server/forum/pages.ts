import { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFound } from '../errors.js';
import { idParam } from '../http/params.js';
import { getForum, getThread, type ForumReadDeps } from './reads.js';
import { viewerFor } from './views.js';

/** Runs middleware (the session and who is signed in) outside a router, for one request. */
function run(chain: readonly RequestHandler[], req: Request, res: Response): Promise<void> {
  return chain.reduce<Promise<void>>((done, mw) => done.then(() => new Promise((resolve, reject) => {
    void mw(req, res, (err?: unknown) => (err ? reject(err) : resolve()));
  })), Promise.resolve());
}

/**
 * The first load of a forum's or a thread's page answers like its API read: 404 when there is no
 * such forum, or no such thread for this viewer (unknown, removed, held from them), decided by the
 * same read services and so by the policy. It only sets `res.locals.pageStatus`; the web app's
 * index.html is sent by http/client.ts, whose page then shows "Page not found". Anything but a
 * NotFound (a store outage) leaves the page to load and say what it can.
 */
export function forumPageStatus(deps: ForumReadDeps, identify: readonly RequestHandler[]): Router {
  const r = Router();
  const check = (ask: (req: Request, res: Response) => Promise<unknown>): RequestHandler => async (req, res, next) => {
    try {
      await ask(req, res);
    } catch (err) {
      if (err instanceof NotFound) res.locals.pageStatus = 404;
    }
    next();
  };
  r.get('/f/:forumId', check((req) => getForum(deps, idParam(req, 'forumId', 'forum'))));
  r.get('/t/:threadId', check(async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    await run(identify, req, res);
    return getThread(deps, viewerFor(req.user), threadId);
  }));
  return r;
}
