import { Router, type Request, type RequestHandler } from 'express';
import { NotFound } from '../errors.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { offsetCursor } from '../../shared/schemas/index.js';
import { toPostView, viewerFor } from '../forum/views.js';
import { findMember, getProfile, listProfilePosts, type ProfileDeps } from './service.js';
import { toProfileView } from './views.js';

const usernameOf = (req: Request) => String(req.params.username ?? '');

/** Profiles (API.md, Profiles): anyone may read them. */
export function profileRoutes(deps: ProfileDeps): Router {
  const r = Router();

  r.get('/users/:username', async (req, res) => {
    const { user, postCount } = await getProfile(deps, usernameOf(req));
    res.json({ profile: toProfileView(user, postCount) });
  });

  r.get('/users/:username/posts', async (req, res) => {
    const { cursor, limit } = pageParams(req.query, offsetCursor);
    const viewer = viewerFor(req.user);
    const page = await listProfilePosts(deps, viewer, usernameOf(req), cursor?.o ?? 0, limit);
    res.json({ items: page.items.map((p) => toPostView(p, viewer, page.authors)), nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  return r;
}

/**
 * The first load of `/u/<username>` answers 404 when there is no such member (unknown or deleted),
 * from the same read as the API; the web app then shows "Page not found" (like forum/pages.ts).
 */
export function profilePageStatus(deps: ProfileDeps): Router {
  const r = Router();
  const check: RequestHandler = async (req, res, next) => {
    try {
      await findMember(deps, usernameOf(req));
    } catch (err) {
      if (err instanceof NotFound) res.locals.pageStatus = 404;
    }
    next();
  };
  r.get('/u/:username', check);
  return r;
}
