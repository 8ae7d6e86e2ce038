import type { Logger } from 'pino';
import type { Ack } from '../../shared/events.js';
import { DomainError, RateLimited, Unavailable } from '../errors.js';
import { toAck } from '../http/errors.js';
import type { UserRecord, UserStore } from '../store/users.js';
import { judgedBy, subjectOf } from '../auth/policy.js';
import type { AgoraSocket } from './index.js';
import type { SocketLimits } from './limits.js';

export const reply = <A>(ack: unknown, value: A) => {
  if (typeof ack === 'function') (ack as (a: A) => void)(value);
};

/**
 * A feature's socket event handler: it gets the socket the event came from and the payload,
 * whatever the client sent, and returns the ack. It throws domain errors to refuse (the one
 * mapping in server/http/errors.ts turns them into the ack's `error`, as it does HTTP answers).
 * Handlers are registered once per server, not per socket: an idle socket keeps no closure of them.
 */
export type SocketHandler<A extends Ack = Ack> = (socket: AgoraSocket, payload: unknown) => Promise<A> | A;

/** A feature's handlers by event name: `{ 'thread:watch': handler }`. */
export type SocketHandlers = Record<string, SocketHandler>;

export interface DispatchDeps {
  handlers: ReadonlyMap<string, SocketHandler>;
  logger: Logger;
  limits: SocketLimits;
  now: () => number;
  refused: (reason: 'rate' | 'flood') => void;
}

/**
 * The one listener all sockets share (socket.onAny calls it with the socket as `this`): every
 * event a client sends, known or not, spends from the socket's budget first (limits.ts). Then its
 * handler runs; a refusal (a domain error other than Unavailable) is the member's doing and is only
 * answered; anything else is logged with the event's name and the socket's id (never its payload,
 * which can hold anything a client sent) and answered as the contract says (`unavailable` or
 * `internal`). The ack is the last function argument (a client may send no payload, or extra
 * ones), the payload the first non-function argument. An event nobody handles is not answered.
 */
export function eventDispatcher(deps: DispatchDeps) {
  const tooFast = toAck(new RateLimited(1, 'Too many events; slow down.'));
  return function dispatch(this: AgoraSocket, event: string, ...args: unknown[]): void {
    const socket = this;
    const ack = [...args].reverse().find((a) => typeof a === 'function');
    const spent = socket.data.budget.spend(deps.limits, deps.now());
    if (spent !== 'ok') {
      deps.refused('rate');
      reply(ack, tooFast);
      if (spent === 'flood' && socket.connected) {
        deps.refused('flood');
        socket.disconnect(true);
      }
      return;
    }
    const handler = deps.handlers.get(event);
    if (!handler) return;
    const payload = args.find((a) => typeof a !== 'function');
    void (async () => handler(socket, payload))().then(
      (value) => reply(ack, value),
      (err: unknown) => {
        if (!(err instanceof DomainError) || err instanceof Unavailable) {
          deps.logger.error({ err, socket: { id: socket.id, event } }, 'socket event failed with an error');
        }
        reply(ack, toAck(err));
      },
    );
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
