import { Router, type Request } from 'express';
import { requireRole, requireWriter } from '../auth/guards.js';
import { toPublicUser } from '../auth/users.js';
import { errors } from '../http/errors.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { parse } from '../http/validate.js';
import { isId } from '../store/ids.js';
import { toPostView, toThreadView, userIdsOf, userIdsOfThreads } from '../forum/views.js';
import { toAuditView, toFlagView, userIdsOfAudit } from './views.js';
import * as mod from './service.js';
import { purgeThread, removeThread, restoreThread } from './threads.js';

import {
  auditQuery, banBody, offsetCursor, optionalReasonBody, reasonBody, resolveBody, roleBody, timeCursor,
} from '../../shared/schemas/index.js';

function id(req: Request, name: string, what: string): string {
  const v = req.params[name];
  if (!isId(v)) throw errors.notFound(`There is no such ${what}.`);
  return v;
}

const MOD_VIEWER = (req: Request) => ({ id: req.user!.id, role: req.user!.role });

export function moderationRoutes(deps: mod.ModerationDeps): Router {
  const r = Router();
  const moderator = requireRole('moderator');
  const users = deps.stores.users;
  const postView = async (req: Request, post: Parameters<typeof toPostView>[0]) =>
    toPostView(post, MOD_VIEWER(req), await users.getMany(userIdsOf([post])));

  r.post('/posts/:postId/remove', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ post: await postView(req, await mod.removePost(deps, req.user!, id(req, 'postId', 'post'), reason)) });
  });

  r.post('/posts/:postId/restore', moderator, async (req, res) => {
    const { reason } = parse(optionalReasonBody, req.body);
    res.json({ post: await postView(req, await mod.restorePost(deps, req.user!, id(req, 'postId', 'post'), reason)) });
  });

  r.post('/posts/:postId/purge', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    await mod.purgePost(deps, req.user!, id(req, 'postId', 'post'), reason);
    res.status(204).end();
  });

  r.post('/posts/:postId/approve', moderator, async (req, res) => {
    res.json({ post: await postView(req, await mod.approvePost(deps, req.user!, id(req, 'postId', 'post'))) });
  });

  r.post('/posts/:postId/flags', requireWriter, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.status(201).json({ flag: await mod.flagPost(deps, req.user!, id(req, 'postId', 'post'), reason) });
  });

  r.get('/mod/queue', moderator, async (req, res) => {
    const { cursor, limit } = pageParams(req.query, offsetCursor);
    const offset = cursor?.o ?? 0;
    const ids = await deps.stores.moderation.queue(offset, limit);
    const items = [];
    for (const postId of ids) {
      const post = await deps.stores.forum.getPost(postId);
      const item = post && (await mod.queueItem(deps, post));
      if (item) items.push(item);
    }
    res.json({ items, nextCursor: ids.length === limit ? encodeCursor({ o: offset + limit }) : null });
  });

  r.post('/mod/flags/:flagId/resolve', moderator, async (req, res) => {
    const { action } = parse(resolveBody, req.body);
    const { flag, post } = await mod.resolveFlag(deps, req.user!, id(req, 'flagId', 'flag'), action);
    const authors = await users.getMany([...userIdsOf([post]), flag.byId]);
    res.json({ flag: toFlagView(flag, authors, true), post: toPostView(post, MOD_VIEWER(req), authors) });
  });

  r.post('/mod/users/:userId/ban', moderator, async (req, res) => {
    const body = parse(banBody, req.body);
    const user = await mod.banUser(deps, req.user!, id(req, 'userId', 'user'), body.reason, body.until ? new Date(body.until).toISOString() : null);
    res.json({ user: { ...toPublicUser(user), ban: user.ban && { reason: user.ban.reason, at: user.ban.at, until: user.ban.until } } });
  });

  r.post('/mod/users/:userId/unban', moderator, async (req, res) => {
    res.json({ user: toPublicUser(await mod.unbanUser(deps, req.user!, id(req, 'userId', 'user'))) });
  });

  r.post('/mod/users/:userId/remove-posts', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ removed: await mod.removeUserPosts(deps, req.user!, id(req, 'userId', 'user'), reason) });
  });

  const threadView = async (req: Request, thread: Parameters<typeof toThreadView>[0]) =>
    toThreadView(thread, await users.getMany(userIdsOfThreads([thread])), MOD_VIEWER(req));

  for (const [path, locked] of [['lock', true], ['unlock', false]] as const) {
    r.post(`/threads/:threadId/${path}`, moderator, async (req, res) => {
      res.json({ thread: await threadView(req, await mod.setThreadLocked(deps, req.user!, id(req, 'threadId', 'thread'), locked)) });
    });
  }

  r.post('/threads/:threadId/remove', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    res.json({ thread: await threadView(req, await removeThread(deps, req.user!, id(req, 'threadId', 'thread'), reason)) });
  });

  r.post('/threads/:threadId/restore', moderator, async (req, res) => {
    const { reason } = parse(optionalReasonBody, req.body);
    res.json({ thread: await threadView(req, await restoreThread(deps, req.user!, id(req, 'threadId', 'thread'), reason)) });
  });

  r.post('/threads/:threadId/purge', moderator, async (req, res) => {
    const { reason } = parse(reasonBody, req.body);
    await purgeThread(deps, req.user!, id(req, 'threadId', 'thread'), reason);
    res.status(204).end();
  });

  r.get('/mod/audit', moderator, async (req, res) => {
    const q = parse(auditQuery, { actor: req.query.actor, action: req.query.action, targetId: req.query.targetId });
    const { cursor, limit } = pageParams({ cursor: req.query.cursor, limit: req.query.limit }, timeCursor);
    const entries = await deps.stores.moderation.audit({ actorId: q.actor, action: q.action, targetId: q.targetId }, cursor, limit);
    const authors = await users.getMany(userIdsOfAudit(entries));
    const last = entries.at(-1);
    res.json({
      items: entries.map((e) => toAuditView(e, authors)),
      nextCursor: entries.length === limit && last ? encodeCursor({ at: Date.parse(last.at), id: last.id }) : null,
    });
  });

  r.post('/admin/users/:userId/role', requireRole('admin'), async (req, res) => {
    const { role } = parse(roleBody, req.body);
    res.json({ user: toPublicUser(await mod.setRole(deps, req.user!, id(req, 'userId', 'user'), role)) });
  });

  // Lets a moderator find a user by name for a ban (the dashboard's search box).
  r.get('/mod/users', moderator, async (req, res) => {
    const name = typeof req.query.username === 'string' ? req.query.username : '';
    const user = name && name.length <= 32 ? await users.findByUsername(name) : null;
    if (!user) throw errors.notFound('There is no such user.');
    res.json({ user: { ...toPublicUser(user), ban: user.ban } });
  });

  return r;
}
