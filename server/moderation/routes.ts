import { Router, type Request } from 'express';
import { requireAdmin, requireModerator, requireWriter } from '../auth/guards.js';
import { toPublicUser } from '../auth/users.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { idParam } from '../http/params.js';
import { parse } from '../http/validate.js';
import type { PostRecord, ThreadRecord } from '../store/forum.js';
import { toForumView, toPostView, toThreadView, viewerFor } from '../forum/views.js';
import { toAdminUserView, toAuditView, toBannedUserView, toFlagView, toModUserView } from './views.js';
import { flagPost, purgePost, resolveFlag, type ModerationDeps } from './service.js';
import { purgeThread } from './threads.js';
import { moderatePost, moderateThread, type Authored } from './actions.js';
import { banUser, findUser, removeUserPosts, setRole, unbanUser } from './users.js';
import { createForum, listUsers, updateForum } from './admin.js';
import { auditPage, queuePage } from './reads.js';
import {
  adminUsersQuery, auditQuery, banBodyAt, forumPatchBody, modUserQuery, nameCursor, newForumBody, offsetCursor, optionalReasonBody, reasonBody, resolveBody, roleBody, timeCursor,
} from '../../shared/schemas/index.js';

const idOf = (req: Request, name: string, what: string) => idParam(req, name, what);
const cursorOf = (next: unknown) => (next ? encodeCursor(next) : null);

/** Moderation (API.md, Moderation): parse, call the service, shape the answer. */
export function moderationRoutes(deps: ModerationDeps): Router {
  // A ban's end is checked against the app's clock, the one its expiry is read by.
  const banBody = banBodyAt(deps.now);
  const r = Router();
  const moderator = requireModerator;
  // Moderators see removals and who made them: the view is shaped for the caller.
  const post = (req: Request, p: Authored<PostRecord>) => toPostView(p.record, viewerFor(req.user), p.authors);
  const thread = (req: Request, t: Authored<ThreadRecord>) => toThreadView(t.record, t.authors, viewerFor(req.user));

  r.post('/posts/:postId/remove', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ post: post(req, await moderatePost(deps, req.user!, 'remove', idOf(req, 'postId', 'post'), reason)) });
  });

  r.post('/posts/:postId/restore', moderator, async (req, res) => {
    const { reason } = parse(optionalReasonBody, req.body);
    res.json({ post: post(req, await moderatePost(deps, req.user!, 'restore', idOf(req, 'postId', 'post'), reason)) });
  });

  r.post('/posts/:postId/purge', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    await purgePost(deps, req.user!, idOf(req, 'postId', 'post'), reason);
    res.status(204).end();
  });

  r.post('/posts/:postId/approve', moderator, async (req, res) => {
    res.json({ post: post(req, await moderatePost(deps, req.user!, 'approve', idOf(req, 'postId', 'post'))) });
  });

  r.post('/posts/:postId/flags', requireWriter, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.status(201).json({ flag: await flagPost(deps, req.user!, idOf(req, 'postId', 'post'), reason) });
  });

  r.get('/mod/queue', moderator, async (req, res) => {
    const { cursor, limit } = pageParams(req.query, offsetCursor);
    const page = await queuePage(deps, req.user!, cursor?.o ?? 0, limit);
    res.json({ items: page.items, nextCursor: cursorOf(page.next) });
  });

  r.post('/mod/flags/:flagId/resolve', moderator, async (req, res) => {
    const { action } = parse(resolveBody, req.body);
    const { flag, post: p, authors } = await resolveFlag(deps, req.user!, idOf(req, 'flagId', 'flag'), action);
    res.json({ flag: toFlagView(flag, authors, true), post: toPostView(p, viewerFor(req.user), authors) });
  });

  r.post('/mod/users/:userId/ban', moderator, async (req, res) => {
    const body = parse(banBody, req.body);
    res.json({ user: toBannedUserView(await banUser(deps, req.user!, idOf(req, 'userId', 'user'), body.reason, body.until)) });
  });

  r.post('/mod/users/:userId/unban', moderator, async (req, res) => {
    res.json({ user: toPublicUser(await unbanUser(deps, req.user!, idOf(req, 'userId', 'user'))) });
  });

  r.post('/mod/users/:userId/remove-posts', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ removed: await removeUserPosts(deps, req.user!, idOf(req, 'userId', 'user'), reason) });
  });

  for (const action of ['lock', 'unlock'] as const) {
    r.post(`/threads/:threadId/${action}`, moderator, async (req, res) => {
      res.json({ thread: thread(req, await moderateThread(deps, req.user!, action, idOf(req, 'threadId', 'thread'))) });
    });
  }

  r.post('/threads/:threadId/remove', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ thread: thread(req, await moderateThread(deps, req.user!, 'remove', idOf(req, 'threadId', 'thread'), reason)) });
  });

  r.post('/threads/:threadId/restore', moderator, async (req, res) => {
    const { reason } = parse(optionalReasonBody, req.body);
    res.json({ thread: thread(req, await moderateThread(deps, req.user!, 'restore', idOf(req, 'threadId', 'thread'), reason)) });
  });

  r.post('/threads/:threadId/purge', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    await purgeThread(deps, req.user!, idOf(req, 'threadId', 'thread'), reason);
    res.status(204).end();
  });

  r.get('/mod/audit', moderator, async (req, res) => {
    const q = parse(auditQuery, { actor: req.query.actor, action: req.query.action, targetId: req.query.targetId });
    const { cursor, limit } = pageParams({ cursor: req.query.cursor, limit: req.query.limit }, timeCursor);
    const page = await auditPage(deps, req.user!, { actorId: q.actor, action: q.action, targetId: q.targetId }, cursor, limit);
    res.json({ items: page.items.map((e) => toAuditView(e, page.names)), nextCursor: cursorOf(page.next) });
  });

  r.post('/admin/users/:userId/role', requireAdmin, async (req, res) => {
    const { role } = parse(roleBody, req.body);
    res.json({ user: toPublicUser(await setRole(deps, req.user!, idOf(req, 'userId', 'user'), role)) });
  });

  r.get('/admin/users', requireAdmin, async (req, res) => {
    const { query, role, banned } = parse(adminUsersQuery, { query: req.query.query, role: req.query.role || undefined, banned: req.query.banned || undefined });
    const { cursor, limit } = pageParams({ cursor: req.query.cursor, limit: req.query.limit }, nameCursor);
    const page = await listUsers(deps, req.user!, { query, role, banned }, cursor?.n ?? null, limit);
    res.json({ items: page.rows.map(toAdminUserView), nextCursor: cursorOf(page.next && { n: page.next }) });
  });

  r.post('/forums', requireAdmin, async (req, res) => {
    res.status(201).json({ forum: toForumView(await createForum(deps, req.user!, parse(newForumBody, req.body))) });
  });

  r.patch('/forums/:forumId', requireAdmin, async (req, res) => {
    const patch = parse(forumPatchBody, req.body);
    res.json({ forum: toForumView(await updateForum(deps, req.user!, idOf(req, 'forumId', 'forum'), patch)) });
  });

  r.get('/mod/users', moderator, async (req, res) => {
    const { username } = parse(modUserQuery, req.query);
    res.json({ user: toModUserView(await findUser(deps, req.user!, username)) });
  });

  return r;
}
