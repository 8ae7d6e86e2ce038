import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket.io client over websocket, signed in with the given cookie (or anonymous). Like any
 * client that is not a browser page it sends no Origin unless `headers` gives one.
 */
export async function connectSocket(url: string, cookie?: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const s: TestSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { ...headers, ...(cookie ? { Cookie: cookie } : {}) },
  });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

/** How long a test waits for an ack (`s.timeout(ACK_MS).emitWithAck(…)`): generous enough for a busy machine; it only ever fails a test. */
export const ACK_MS = 10_000;

/** Resolves with the next payload of `event`; rejects after `ms`, a bound generous enough for a busy machine. */
export function nextEvent<E extends keyof ServerToClientEvents>(s: TestSocket, event: E, ms = ACK_MS): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${ms} ms`)), ms);
    s.once(event as never, ((payload: unknown) => {
      clearTimeout(timer);
      resolve(payload as Parameters<ServerToClientEvents[E]>[0]);
    }) as never);
  });
}
