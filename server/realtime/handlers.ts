import type { Logger } from 'pino';
import type { Ack } from '../../shared/events.js';
import { DomainError, Unavailable } from '../errors.js';
import { toAck } from '../http/errors.js';
import type { UserRecord, UserStore } from '../store/users.js';
import { judgedBy, subjectOf } from '../auth/policy.js';
import type { AgoraSocket } from './index.js';

export const reply = <A>(ack: unknown, value: A) => {
  if (typeof ack === 'function') (ack as (a: A) => void)(value);
};

/**
 * A feature's socket event handler: it gets the payload, whatever the client sent, and returns the
 * ack. It throws domain errors to refuse (the one mapping in server/http/errors.ts turns them into
 * the ack's `error`, as it does HTTP answers).
 */
export type SocketHandler<A extends Ack = Ack> = (payload: unknown) => Promise<A> | A;

/** Registers handlers on one socket: `on('thread:watch', handler)`. */
export type SocketEvents = (event: string, handler: SocketHandler) => void;

/**
 * Registers handlers that log what went wrong: a refusal (a domain error other than Unavailable)
 * is the member's doing and is only answered; anything else is logged with the event's name and
 * the socket's id (never its payload, which can hold anything a client sent) and answered as the
 * contract says (`unavailable` or `internal`). The ack is the last function argument (a client may
 * send no payload, or extra ones), the payload the first non-function argument.
 */
export function socketEvents(socket: AgoraSocket, logger: Logger): SocketEvents {
  return (event, handler) => {
    (socket as unknown as { on(e: string, l: (...args: unknown[]) => void): void }).on(event, (...args: unknown[]) => {
      const ack = [...args].reverse().find((a) => typeof a === 'function');
      const payload = args.find((a) => typeof a !== 'function');
      void (async () => handler(payload))().then(
        (value) => reply(ack, value),
        (err: unknown) => {
          if (!(err instanceof DomainError) || err instanceof Unavailable) {
            logger.error({ err, socket: { id: socket.id, event } }, 'socket event failed with an error');
          }
          reply(ack, toAck(err));
        },
      );
    });
  };
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
  const fresh = await users.get(id);
  // Read again, judged by the same clock as before (the app's, set at the handshake); the socket
  // keeps only what the policy reads of it.
  const judged = fresh && judgedBy(fresh, socket.data.user?.now);
  socket.data.user = judged && subjectOf(judged);
  return judged;
}
