import type { z } from 'zod';
import type { Ack, WatchAck } from '../../shared/events.js';
import { InvalidInput, RateLimited } from '../errors.js';
import type { AgoraSocket } from '../realtime/index.js';
import { currentUser, type SocketHandlers } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';
import type { UserStore } from '../store/users.js';
import { viewerFor } from './views.js';
import { watchableForum, watchThread, type WatchDeps } from './watch.js';
import { forumRefPayload as forumRef, threadRefPayload as threadRef, watchThreadPayload } from '../../shared/schemas/index.js';

function parsed<T>(schema: z.ZodType<T>, payload: unknown): T {
  const p = schema.safeParse(payload);
  if (!p.success) throw new InvalidInput(String(p.error.issues[0]?.path[0] ?? 'payload'));
  return p.data;
}

const tooMany = () => new RateLimited(1, 'This connection watches as many threads and forums as it may; unwatch some first.');

export interface ForumSocketDeps extends WatchDeps {
  users: Pick<UserStore, 'get'>;
}

/** Takes one of the socket's watch slots before any store read; gives it back if the watch fails. */
async function watching<A>(socket: AgoraSocket, key: string, watch: () => Promise<A>): Promise<A> {
  const slot = socket.data.watches.reserve(key);
  if (slot === 'full') throw tooMany();
  try {
    return await watch();
  } catch (err) {
    if (slot === 'new') socket.data.watches.release(key);
    throw err;
  }
}

/**
 * thread:watch / unwatch and forum:watch / unwatch. Bad payloads get a refused ack, never a crash.
 * Each socket watches at most SOCKET_MAX_WATCHES threads and forums (socket.data.watches).
 */
export function forumSocketHandlers(deps: ForumSocketDeps): SocketHandlers {
  return {
    'thread:watch': (socket, payload) => {
      const { threadId, since } = parsed(watchThreadPayload, payload);
      return watching(socket, `t:${threadId}`, async (): Promise<WatchAck> => {
        // The account as it is now decides the moderators' room (see currentUser). A banned
        // moderator reads as a member does (viewerFor): no removed threads, no moderators' room.
        const watcher = { viewer: viewerFor(socket.data.user), current: () => currentUser(socket, deps.users) };
        const caughtUp = await watchThread(deps, watcher, threadId, since, async ({ moderators }) => {
          const joins = [rooms.thread(threadId)];
          if (moderators) joins.push(rooms.threadMods(threadId));
          if (socket.data.user) joins.push(rooms.threadUser(threadId, socket.data.user.id));
          await socket.join(joins);
        });
        return { ok: true, ...caughtUp };
      });
    },

    'thread:unwatch': async (socket, payload): Promise<Ack> => {
      const { threadId } = parsed(threadRef, payload);
      const uid = socket.data.user?.id;
      await Promise.all([rooms.thread(threadId), rooms.threadMods(threadId), ...(uid ? [rooms.threadUser(threadId, uid)] : [])].map((r) => socket.leave(r)));
      socket.data.watches.release(`t:${threadId}`);
      return { ok: true };
    },

    'forum:watch': (socket, payload) => {
      const { forumId } = parsed(forumRef, payload);
      return watching(socket, `f:${forumId}`, async (): Promise<Ack> => {
        await watchableForum(deps, forumId);
        await socket.join(rooms.forum(forumId));
        return { ok: true };
      });
    },

    'forum:unwatch': async (socket, payload): Promise<Ack> => {
      const { forumId } = parsed(forumRef, payload);
      await socket.leave(rooms.forum(forumId));
      socket.data.watches.release(`f:${forumId}`);
      return { ok: true };
    },
  };
}
