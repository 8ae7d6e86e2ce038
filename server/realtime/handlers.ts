import type { Ack } from '../../shared/events.js';
import type { UserRecord, UserStore } from '../store/users.js';
import type { AgoraSocket } from './index.js';

export const refuse = (code: string, message?: string): Ack => ({ ok: false, error: { code, ...(message ? { message } : {}) } });

export const reply = <A>(ack: unknown, value: A) => {
  if (typeof ack === 'function') (ack as (a: A) => void)(value);
};

/**
 * Registers a handler that gets (payload, ack) whatever the client sent: the ack is the last
 * function argument (a client may send no payload, or extra ones), the payload the first
 * non-function argument.
 */
export function on(socket: AgoraSocket, event: string, fn: (payload: unknown, ack: unknown) => unknown): void {
  (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
    const ack = [...args].reverse().find((a) => typeof a === 'function');
    const payload = args.find((a) => typeof a !== 'function');
    void Promise.resolve(fn(payload, ack)).catch(() => reply(ack, refuse('unavailable')));
  });
}


/**
 * The socket's user as the store has it now, kept on the socket. Rooms that need a role (the
 * moderators' ones) are joined only after this read: a role or ban changed while the socket was
 * connecting, after its handshake read the account but before it joined its user room, would
 * otherwise miss the disconnect that ends such sockets.
 */
export async function currentUser(socket: AgoraSocket, users: Pick<UserStore, 'get'>): Promise<UserRecord | null> {
  const id = socket.data.user?.id;
  if (!id) return null;
  socket.data.user = await users.get(id);
  return socket.data.user;
}
