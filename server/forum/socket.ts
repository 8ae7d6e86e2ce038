import type { z } from 'zod';
import type { Ack, WatchAck } from '../../shared/events.js';
import { authorize, isStaff } from '../auth/policy.js';
import { InvalidInput, NotFound, RateLimited } from '../errors.js';
import type { AgoraSocket } from '../realtime/index.js';
import { currentUser, type SocketEvents } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';
import { isId } from '../store/ids.js';
import type { ForumStore } from '../store/forum.js';
import type { UserStore } from '../store/users.js';
import type { ThreadPublisher } from './publish.js';
import { viewerFor } from './views.js';
import { forumRefPayload as forumRef, threadRefPayload as threadRef, watchThreadPayload as watchThread } from '../../shared/schemas/index.js';

function parsed<T>(schema: z.ZodType<T>, payload: unknown): T {
  const p = schema.safeParse(payload);
  if (!p.success) throw new InvalidInput(String(p.error.issues[0]?.path[0] ?? 'payload'));
  return p.data;
}

const tooMany = () => new RateLimited(1, 'This connection watches as many threads and forums as it may; unwatch some first.');

export interface ForumSocketDeps {
  forum: Pick<ForumStore, 'getThread' | 'getForum' | 'currentSeq'>;
  publisher: Pick<ThreadPublisher, 'missed'>;
  users: Pick<UserStore, 'get'>;
}

/**
 * thread:watch / unwatch and forum:watch / unwatch. Bad payloads get a refused ack, never a crash.
 * Each socket watches at most SOCKET_MAX_WATCHES threads and forums (socket.data.watches).
 */
export function forumSocketHandlers({ forum, publisher, users }: ForumSocketDeps) {
  return (socket: AgoraSocket, on: SocketEvents) => {
    // A banned moderator reads as a member does (viewerFor): no removed threads, no moderators' room.
    const viewer = () => viewerFor(socket.data.user);
    const watches = socket.data.watches;

    /** Takes a watch slot before any store read; gives it back if the watch fails. */
    async function watching<A>(key: string, watch: () => Promise<A>): Promise<A> {
      const slot = watches.reserve(key);
      if (slot === 'full') throw tooMany();
      try {
        return await watch();
      } catch (err) {
        if (slot === 'new') watches.release(key);
        throw err;
      }
    }

    on('thread:watch', async (payload) => {
      const { threadId, since } = parsed(watchThread, payload);
      return watching(`t:${threadId}`, async (): Promise<WatchAck> => {
        const thread = isId(threadId) ? await forum.getThread(threadId) : null;
        if (!thread) throw new NotFound('There is no such thread.');
        authorize(viewer(), 'thread:read', thread);
        // Join first, then read the log: an event in between arrives twice (live and missed),
        // never zero times; clients drop what they already have by seq. The catch-up reads at
        // most the thread's log (THREAD_LOG_SIZE events), whatever `since` says.
        const joins = [rooms.thread(threadId)];
        // A moderator's room only with the role as it is now (see currentUser).
        if (isStaff(viewer()) && isStaff(await currentUser(socket, users))) joins.push(rooms.threadMods(threadId));
        if (socket.data.user) joins.push(rooms.threadUser(threadId, socket.data.user.id));
        await socket.join(joins);
        if (since === undefined) return { ok: true, missed: [], reload: false, seq: await forum.currentSeq(threadId) };
        const seq = await forum.currentSeq(threadId);
        const { missed, reload } = await publisher.missed(threadId, since, viewer());
        return { ok: true, missed, reload, seq: Math.max(seq, ...missed.map((m) => (m.payload as { seq: number }).seq)) };
      });
    });

    on('thread:unwatch', async (payload): Promise<Ack> => {
      const { threadId } = parsed(threadRef, payload);
      const uid = socket.data.user?.id;
      await Promise.all([rooms.thread(threadId), rooms.threadMods(threadId), ...(uid ? [rooms.threadUser(threadId, uid)] : [])].map((r) => socket.leave(r)));
      watches.release(`t:${threadId}`);
      return { ok: true };
    });

    on('forum:watch', async (payload) => {
      const { forumId } = parsed(forumRef, payload);
      return watching(`f:${forumId}`, async (): Promise<Ack> => {
        if (!isId(forumId) || !(await forum.getForum(forumId))) throw new NotFound('There is no such forum.');
        await socket.join(rooms.forum(forumId));
        return { ok: true };
      });
    });

    on('forum:unwatch', async (payload): Promise<Ack> => {
      const { forumId } = parsed(forumRef, payload);
      await socket.leave(rooms.forum(forumId));
      watches.release(`f:${forumId}`);
      return { ok: true };
    });
  };
}
