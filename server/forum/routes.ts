import { Router, type Request } from 'express';
import { requireUser, requireWriter } from '../auth/guards.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { idParam } from '../http/params.js';
import { parse } from '../http/validate.js';
import { newThreadBody, offsetCursor as postCursor, postBody, previewBody, timeCursor as threadCursor } from '../../shared/schemas/index.js';
import { editPost, preview, reply, startThread, type ForumDeps } from './service.js';
import { getForum, getPost, getSource, listForums, listPosts, type ForumReadDeps } from './reads.js';
import { threadForReader, threadsForReader } from './reader-reads.js';
import { toForumView, toPostView, toThreadListView, toThreadPageView, toThreadView, viewerFor, type Viewer } from './views.js';
import { forumPermissions, threadPermissions } from '../auth/permissions.js';
import type { NotificationReadDeps } from '../notifications/reads.js';

const viewerOf = (req: Request): Viewer | null => viewerFor(req.user);
const cursorOf = (next: unknown) => (next ? encodeCursor(next) : null);

/**
 * Forums, threads and posts (API.md, Forum): parse, call the service, shape the answer. `readers`:
 * a signed-in member's unread counts, subscription and read position (notifications/reads.ts).
 */
export function forumRoutes(deps: ForumDeps & ForumReadDeps & { readers?: NotificationReadDeps }): Router {
  const r = Router();

  r.get('/forums', async (_req, res) => {
    res.json({ items: (await listForums(deps)).map(toForumView) });
  });

  r.get('/forums/:forumId', async (req, res) => {
    const forum = await getForum(deps, idParam(req, 'forumId', 'forum'));
    res.json({ forum: { ...toForumView(forum), can: forumPermissions(req.user, forum) } });
  });

  r.get('/forums/:forumId/threads', async (req, res) => {
    const forumId = idParam(req, 'forumId', 'forum');
    const { cursor, limit } = pageParams(req.query, threadCursor);
    const page = await threadsForReader(deps, req.user, forumId, cursor, limit);
    res.json({ items: page.items.map((t) => toThreadListView(t, page.authors, viewerOf(req), page.unread)), nextCursor: cursorOf(page.next) });
  });

  r.post('/forums/:forumId/threads', requireWriter, async (req, res) => {
    const forumId = idParam(req, 'forumId', 'forum');
    const { thread, post, authors } = await startThread(deps, req.user!, forumId, parse(newThreadBody, req.body));
    res.status(201).json({ thread: toThreadView(thread, authors), post: toPostView(post, viewerOf(req), authors) });
  });

  r.get('/threads/:threadId', async (req, res) => {
    const { thread, authors, forum, reader } = await threadForReader(deps, req.user, idParam(req, 'threadId', 'thread'));
    res.json({ thread: { ...toThreadPageView(thread, authors, viewerOf(req), reader), can: threadPermissions(req.user, thread, forum) } });
  });

  r.get('/threads/:threadId/posts', async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    const { cursor, limit } = pageParams(req.query, postCursor);
    const viewer = viewerOf(req);
    const page = await listPosts(deps, viewer, threadId, cursor?.o ?? 0, limit);
    res.json({ items: page.items.map((p) => toPostView(p, viewer, page.authors)), nextCursor: cursorOf(page.next) });
  });

  r.get('/posts/:postId', async (req, res) => {
    const viewer = viewerOf(req);
    const { post, authors } = await getPost(deps, viewer, idParam(req, 'postId', 'post'));
    res.json({ post: toPostView(post, viewer, authors) });
  });

  r.get('/posts/:postId/source', requireUser, async (req, res) => {
    res.json({ source: await getSource(deps, viewerOf(req), idParam(req, 'postId', 'post')) });
  });

  r.post('/threads/:threadId/posts', requireWriter, async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    const { post, authors } = await reply(deps, req.user!, threadId, parse(postBody, req.body));
    res.status(201).json({ post: toPostView(post, viewerOf(req), authors) });
  });

  r.patch('/posts/:postId', requireWriter, async (req, res) => {
    const postId = idParam(req, 'postId', 'post');
    const { post, authors } = await editPost(deps, req.user!, postId, parse(postBody, req.body));
    res.json({ post: toPostView(post, viewerOf(req), authors) });
  });

  r.post('/preview', requireWriter, async (req, res) => {
    res.json(await preview(deps, req.user!, parse(previewBody, req.body)));
  });

  return r;
}
