import type { Ack } from '../../shared/events.js';
import { authorize } from '../auth/policy.js';
import type { UserStore } from '../store/users.js';
import { currentUser, type SocketHandlers } from '../realtime/handlers.js';
import { rooms } from '../realtime/rooms.js';

/** mod:watch: moderators' sockets join the room the live review queue is sent to. */
export function moderationSocketHandlers(users: Pick<UserStore, 'get'>): SocketHandlers {
  return {
    'mod:watch': async (socket): Promise<Ack> => {
      // The role as it is now, not as it was at the handshake (see currentUser).
      authorize(await currentUser(socket, users), 'queue:watch');
      await socket.join(rooms.mods);
      return { ok: true };
    },
  };
}
