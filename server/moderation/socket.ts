import type { Ack } from '../../shared/events.js';
import { isBanned, isModerator } from '../auth/users.js';
import type { UserStore } from '../store/users.js';
import type { AgoraSocket } from '../realtime/index.js';
import { currentUser, on, refuse, reply } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';

/** mod:watch: moderators' sockets join the room the live review queue is sent to. */
export function moderationSocketHandlers(users: Pick<UserStore, 'get'>) {
  return (socket: AgoraSocket) => {
    on(socket, 'mod:watch', async (_payload, ack) => {
      // The role as it is now, not as it was at the handshake (see currentUser).
      const user = await currentUser(socket, users);
      if (!user || !isModerator(user) || isBanned(user)) return reply(ack, refuse('forbidden'));
      await socket.join(rooms.mods);
      reply<Ack>(ack, { ok: true });
    });
  };
}
