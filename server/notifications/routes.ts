import { Router } from 'express';
import { requireUser } from '../auth/guards.js';
import { encodeCursor, pageParams } from '../http/paging.js';
import { idParam } from '../http/params.js';
import { parse } from '../http/validate.js';
import { timeCursor } from '../../shared/schemas/common.js';
import { markReadBody, notificationsQuery, subscriptionBody, threadReadBody } from '../../shared/schemas/notifications.js';
import { listNotifications, markRead, markThreadRead, setSubscription, type NotificationReadDeps } from './reads.js';

/** Notifications, subscriptions and read positions (API.md, Notifications): parse, call, answer. */
export function notificationRoutes(deps: NotificationReadDeps): Router {
  const r = Router();

  r.get('/notifications', requireUser, async (req, res) => {
    const q = parse(notificationsQuery, req.query);
    const { cursor } = pageParams({ cursor: q.cursor }, timeCursor);
    const page = await listNotifications(deps, req.user!, { unreadOnly: q.unread === '1', after: cursor, limit: q.limit });
    res.json({ items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null, unreadCount: page.unreadCount });
  });

  r.post('/notifications/read', requireUser, async (req, res) => {
    const body = parse(markReadBody, req.body);
    res.json({ unreadCount: await markRead(deps, req.user!, 'all' in body ? 'all' : body.ids) });
  });

  r.put('/threads/:threadId/subscription', requireUser, async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    res.json({ level: await setSubscription(deps, req.user!, threadId, parse(subscriptionBody, req.body).level) });
  });

  r.post('/threads/:threadId/read', requireUser, async (req, res) => {
    const threadId = idParam(req, 'threadId', 'thread');
    await markThreadRead(deps, req.user!, threadId, parse(threadReadBody, req.body).seq);
    res.status(204).end();
  });

  return r;
}
