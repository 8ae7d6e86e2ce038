import type { Ack } from '../../shared/events.js';
import { isBanned, isModerator } from '../auth/users.js';
import type { AgoraSocket } from '../realtime/index.js';
import { on, refuse, reply } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';

/** mod:watch: moderators' sockets join the room the live review queue is sent to. */
export function moderationSocketHandlers() {
  return (socket: AgoraSocket) => {
    on(socket, 'mod:watch', async (_payload, ack) => {
      const user = socket.data.user;
      if (!user || !isModerator(user) || isBanned(user)) return reply(ack, refuse('forbidden'));
      await socket.join(rooms.mods);
      reply<Ack>(ack, { ok: true });
    });
  };
}
