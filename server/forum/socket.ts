import { z } from 'zod';
import type { Ack, WatchAck } from '../../shared/events.js';
import { isModerator } from '../auth/users.js';
import type { AgoraSocket } from '../realtime/index.js';
import { currentUser, on, refuse, reply } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';
import { isId } from '../store/ids.js';
import type { ForumStore } from '../store/forum.js';
import type { UserStore } from '../store/users.js';
import type { ThreadPublisher } from './publish.js';
import { canSeeThread, viewerFor } from './views.js';

const watchThread = z.object({ threadId: z.string().max(64), since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() });
const threadRef = z.object({ threadId: z.string().max(64) });
const forumRef = z.object({ forumId: z.string().max(64) });

const tooMany = () => refuse('rate_limited', 'This connection watches as many threads and forums as it may; unwatch some first.');

/**
 * thread:watch / unwatch and forum:watch / unwatch. Bad payloads get a refused ack, never a crash.
 * Each socket watches at most SOCKET_MAX_WATCHES threads and forums (socket.data.watches).
 */
export function forumSocketHandlers(forum: ForumStore, publisher: ThreadPublisher, users: Pick<UserStore, 'get'>) {
  return (socket: AgoraSocket) => {
    // A banned moderator reads as a member does (viewerFor): no removed threads, no moderators' room.
    const viewer = () => viewerFor(socket.data.user);
    const watches = socket.data.watches;

    on(socket, 'thread:watch', async (payload, ack) => {
      const p = watchThread.safeParse(payload);
      if (!p.success) return reply(ack, refuse('invalid_request'));
      const key = `t:${p.data.threadId}`;
      const slot = watches.reserve(key);
      if (slot === 'full') return reply(ack, tooMany());
      try {
        const { threadId, since } = p.data;
        const thread = isId(threadId) ? await forum.getThread(threadId) : null;
        if (!thread || !canSeeThread(thread, viewer())) {
          if (slot === 'new') watches.release(key);
          return reply(ack, refuse('not_found'));
        }
        // Join first, then read the log: an event in between arrives twice (live and missed),
        // never zero times; clients drop what they already have by seq. The catch-up reads at
        // most the thread's log (THREAD_LOG_SIZE events), whatever `since` says.
        const joins = [rooms.thread(threadId)];
        // A moderator's room only with the role as it is now (see currentUser).
        if (isModerator(viewer()) && isModerator(viewerFor(await currentUser(socket, users)))) joins.push(rooms.threadMods(threadId));
        if (socket.data.user) joins.push(rooms.threadUser(threadId, socket.data.user.id));
        await socket.join(joins);
        if (since === undefined) return reply<WatchAck>(ack, { ok: true, missed: [], reload: false, seq: await forum.currentSeq(threadId) });
        const seq = await forum.currentSeq(threadId);
        const { missed, reload } = await publisher.missed(threadId, since, viewer());
        reply<WatchAck>(ack, { ok: true, missed, reload, seq: Math.max(seq, ...missed.map((m) => (m.payload as { seq: number }).seq)) });
      } catch {
        if (slot === 'new') watches.release(key);
        reply(ack, refuse('unavailable'));
      }
    });

    on(socket, 'thread:unwatch', async (payload, ack) => {
      const p = threadRef.safeParse(payload);
      if (!p.success) return reply(ack, refuse('invalid_request'));
      const { threadId } = p.data;
      const uid = socket.data.user?.id;
      await Promise.all([rooms.thread(threadId), rooms.threadMods(threadId), ...(uid ? [rooms.threadUser(threadId, uid)] : [])].map((r) => socket.leave(r)));
      watches.release(`t:${threadId}`);
      reply<Ack>(ack, { ok: true });
    });

    on(socket, 'forum:watch', async (payload, ack) => {
      const p = forumRef.safeParse(payload);
      if (!p.success) return reply(ack, refuse('invalid_request'));
      const key = `f:${p.data.forumId}`;
      const slot = watches.reserve(key);
      if (slot === 'full') return reply(ack, tooMany());
      try {
        if (!isId(p.data.forumId) || !(await forum.getForum(p.data.forumId))) {
          if (slot === 'new') watches.release(key);
          return reply(ack, refuse('not_found'));
        }
        await socket.join(rooms.forum(p.data.forumId));
        reply<Ack>(ack, { ok: true });
      } catch {
        if (slot === 'new') watches.release(key);
        reply(ack, refuse('unavailable'));
      }
    });

    on(socket, 'forum:unwatch', async (payload, ack) => {
      const p = forumRef.safeParse(payload);
      if (!p.success) return reply(ack, refuse('invalid_request'));
      await socket.leave(rooms.forum(p.data.forumId));
      watches.release(`f:${p.data.forumId}`);
      reply<Ack>(ack, { ok: true });
    });
  };
}
