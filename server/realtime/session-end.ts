import type { SessionData } from 'express-session';
import { sessionEndsAt } from '../auth/session.js';
import type { SessionStore } from '../store/sessions.js';
import type { AgoraServer } from './index.js';

/** How often each process looks for sockets whose session may have ended. */
export const SESSION_SWEEP_MS = 60_000;

/**
 * Closes this process's signed-in sockets whose session has ended since they connected (idle or
 * absolute deadline, or a sign-out that no disconnect reached). A socket whose deadline has passed
 * reads its session again: requests may have moved the idle deadline meanwhile, and then it only
 * learns the new one. Answers how many sockets were closed.
 */
export async function closeSocketsOfEndedSessions(io: AgoraServer, sessions: Pick<SessionStore, 'get'>, now: () => number): Promise<number> {
  let closed = 0;
  const due = [...io.of('/').sockets.values()].filter((s) => s.data.user && s.data.sessionId && s.data.sessionEndsAt !== null && s.data.sessionEndsAt <= now());
  for (const socket of due) {
    let sess: SessionData | null = null;
    try {
      const raw = await sessions.get(socket.data.sessionId!);
      sess = raw ? (JSON.parse(raw) as SessionData) : null;
    } catch {
      continue; // the store is down: look again at the next sweep
    }
    const endsAt = sess ? sessionEndsAt(sess) : null;
    const user = (sess as { passport?: { user?: unknown } } | null)?.passport?.user;
    if (!sess || user !== socket.data.user!.id || (endsAt !== null && endsAt <= now())) {
      socket.disconnect(true);
      closed++;
    } else {
      socket.data.sessionEndsAt = endsAt;
    }
  }
  return closed;
}
