import { createHmac } from 'node:crypto';
import type { SessionStore } from '../store/sessions.js';

/** What ending a member's sessions uses. */
export type SessionEnds = Pick<SessionStore, 'listForUser' | 'destroy' | 'destroyForUser'>;

export interface SessionInfo { id: string; createdAt: string | null; current: boolean }

/** Session ids are bearer secrets: the account page shows a keyed hash of each instead. */
export const publicSessionId = (sid: string, secret: string) => createHmac('sha256', secret).update(`session:${sid}`).digest('base64url').slice(0, 16);

export async function listSessions(store: Pick<SessionStore, 'listForUser' | 'get'>, userId: string, currentSid: string, secret: string): Promise<SessionInfo[]> {
  const out: SessionInfo[] = [];
  for (const sid of await store.listForUser(userId)) {
    const raw = await store.get(sid);
    if (!raw) continue;
    const data = JSON.parse(raw) as { createdAt?: string };
    out.push({ id: publicSessionId(sid, secret), createdAt: data.createdAt ?? null, current: sid === currentSid });
  }
  return out.sort((a, b) => Number(b.current) - Number(a.current) || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
}

/** Ends every session of the user but `keepSid`; answers the ended ids (to close their sockets). */
export async function endOtherSessions(store: SessionEnds, userId: string, keepSid?: string): Promise<string[]> {
  const sids = (await store.listForUser(userId)).filter((s) => s !== keepSid);
  for (const sid of sids) await store.destroy(sid);
  if (!keepSid) await store.destroyForUser(userId);
  return sids;
}
