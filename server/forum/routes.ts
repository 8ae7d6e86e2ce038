import { Router, type Request } from 'express';
import { requireRole, requireUser, requireWriter } from '../auth/guards.js';
import { isModerator } from '../auth/users.js';
import { previewPost } from '../content/pipeline.js';
import { errors } from '../http/errors.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { parse } from '../http/validate.js';
import { isId, newId } from '../store/ids.js';
import type { Limiter } from '../store/rate-limit.js';
import { newForumBody, newThreadBody, offsetCursor as postCursor, postBody, previewBody, timeCursor as threadCursor } from '../../shared/schemas/index.js';
import { editPost, reply, startThread, type ForumDeps } from './service.js';
import { canSee, canSeeThread, toForumView, toPostView, toThreadView, userIdsOf, userIdsOfThreads, viewerFor, type Viewer } from './views.js';
import type { PostRecord } from '../store/forum.js';

const viewerOf = (req: Request): Viewer | null => viewerFor(req.user);

/** A malformed id is answered like an unknown one. */
function idParam(req: Request, name: string, what: string): string {
  const id = req.params[name];
  if (!isId(id)) throw errors.notFound(`There is no such ${what}.`);
  return id;
}

/** `previewLimiter`: previews per member per minute (each one renders, sanitizes and scans a body). */
export function forumRoutes(deps: ForumDeps & { previewLimiter: Limiter }): Router {
  const r = Router();
  const { forum, users } = deps.stores;

  r.get('/forums', async (_req, res) => {
    res.json({ items: (await forum.listForums()).map(toForumView) });
  });

  r.post('/forums', requireRole('admin'), async (req, res) => {
    const body = parse(newForumBody, req.body);
    const record = { id: newId(), ...body, createdAt: new Date().toISOString() };
    if (!(await forum.createForum(record))) throw errors.conflict('A forum with that slug exists already.');
    res.status(201).json({ forum: toForumView(record) });
  });

  r.get('/forums/:forumId/threads', async (req, res) => {
    const forumId = idParam(req, 'forumId', 'forum');
    const { cursor, limit } = pageParams(req.query, threadCursor);
    if (!(await forum.getForum(forumId))) throw errors.notFound('There is no such forum.');
    const page = await forum.listThreads(forumId, cursor, limit);
    const viewer = viewerOf(req);
    const shown = page.filter((t) => canSeeThread(t, viewer));
    const authors = await users.getMany(userIdsOfThreads(shown));
    const last = page.at(-1);
    res.json({
      items: shown.map((t) => toThreadView(t, authors, viewer)),
      nextCursor: page.length === limit && last ? encodeCursor({ at: Date.parse(last.lastPostAt), id: last.id }) : null,
    });
  });

  r.post('/forums/:forumId/threads', requireWriter, async (req, res) => {
    const forumId = idParam(req, 'forumId', 'forum');
    const body = parse(newThreadBody, req.body);
    const { thread, post } = await startThread(deps, req.user!, forumId, body);
    const authors = new Map([[req.user!.id, req.user!]]);
    res.status(201).json({ thread: toThreadView(thread, authors), post: toPostView(post, viewerOf(req), authors) });
  });

  r.get('/threads/:threadId', async (req, res) => {
    const thread = await forum.getThread(idParam(req, 'threadId', 'thread'));
    const viewer = viewerOf(req);
    if (!thread || !canSeeThread(thread, viewer)) throw errors.notFound('There is no such thread.');
    res.json({ thread: toThreadView(thread, await users.getMany(userIdsOfThreads([thread])), viewer) });
  });

  /** A post exists for the viewer only if its thread does too (a removed thread hides all its posts). */
  const visiblePost = async (postId: string, viewer: Viewer | null): Promise<PostRecord> => {
    const post = await forum.getPost(postId);
    const thread = post && canSee(post, viewer) ? await forum.getThread(post.threadId) : null;
    if (!post || !thread || !canSeeThread(thread, viewer)) throw errors.notFound('There is no such post.');
    return post;
  };

  r.get('/threads/:threadId/posts', async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    const { cursor, limit } = pageParams(req.query, postCursor);
    const thread = await forum.getThread(threadId);
    const viewer = viewerOf(req);
    if (!thread || !canSeeThread(thread, viewer)) throw errors.notFound('There is no such thread.');
    const offset = cursor?.o ?? 0;
    const page = await forum.listPosts(threadId, offset, limit);
    const authors = await users.getMany(userIdsOf(page));
    res.json({
      items: page.filter((p) => canSee(p, viewer)).map((p) => toPostView(p, viewer, authors)),
      nextCursor: page.length === limit ? encodeCursor({ o: offset + limit }) : null,
    });
  });

  r.get('/posts/:postId', async (req, res) => {
    const viewer = viewerOf(req);
    const post = await visiblePost(idParam(req, 'postId', 'post'), viewer);
    res.json({ post: toPostView(post, viewer, await users.getMany(userIdsOf([post]))) });
  });

  // The Markdown as stored (sensitive spans already masked), for the author's or a moderator's edit form.
  r.get('/posts/:postId/source', requireUser, async (req, res) => {
    const viewer = viewerOf(req)!;
    const post = await visiblePost(idParam(req, 'postId', 'post'), viewer);
    if (post.authorId !== viewer.id && !isModerator(viewer)) throw errors.forbidden('Only the author or a moderator can edit this post.');
    if (post.source === null) throw errors.notFound('This post has no content any more.');
    res.json({ source: post.source });
  });

  r.post('/threads/:threadId/posts', requireWriter, async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    const body = parse(postBody, req.body);
    const { post } = await reply(deps, req.user!, threadId, body);
    res.status(201).json({ post: toPostView(post, viewerOf(req), new Map([[req.user!.id, req.user!]])) });
  });

  r.patch('/posts/:postId', requireWriter, async (req, res) => {
    const postId = idParam(req, 'postId', 'post');
    const body = parse(postBody, req.body);
    const post = await editPost(deps, req.user!, postId, body);
    res.json({ post: toPostView(post, viewerOf(req), await users.getMany(userIdsOf([post]))) });
  });

  r.post('/preview', requireWriter, async (req, res) => {
    const { body } = parse(previewBody, req.body);
    const hit = await deps.previewLimiter.consume(req.user!.id);
    if (!hit.allowed) throw errors.rateLimited(hit.retryAfterSeconds);
    res.json(previewPost(body, deps.config.piiSeverity));
  });

  return r;
}
