// The audit log kept live: every entry arrives as `mod:audit` the moment it is written, on
// whichever process the moderator acted. Entries written while the socket was away are read again
// over HTTP once it is back in the moderators' room.
import type { Ack } from '../../../shared/events.js';
import type { AuditEntry, AuditFilter } from '../../../shared/schemas/index.js';
import { getSocket } from '../realtime.js';

/** Whether the filters the page shows would list this entry (the server's rules for `GET /api/mod/audit`). */
export const matchesFilter = (e: AuditEntry, f: AuditFilter): boolean =>
  (!f.actor || e.actor.id === f.actor) && (!f.action || e.action === f.action) && (!f.targetId || e.target.id === f.targetId);

/** Newest first, as the server pages them: by time, then id. */
const newestFirst = (a: AuditEntry, b: AuditEntry) =>
  Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The list with the entries it does not show yet, in their place; the same list when nothing is new. */
export function withNewEntries(list: AuditEntry[], fresh: AuditEntry[]): AuditEntry[] {
  const known = new Set(list.map((e) => e.id));
  const added = fresh.filter((e) => !known.has(e.id));
  return added.length ? [...added, ...list].sort(newestFirst) : list;
}

export interface AuditFeedHandlers {
  entry(e: AuditEntry): void;
  /** Joined the moderators' room (again): read the newest entries, in case some came meanwhile. */
  joined(): void;
  status(live: boolean): void;
}

/** Starts the live feed; answers the function that stops it. */
export function watchAudit(h: AuditFeedHandlers): () => void {
  const s = getSocket();
  let stopped = false;

  const join = async () => {
    let ack: Ack;
    try {
      ack = (await s.timeout(10_000).emitWithAck('mod:watch')) as Ack;
    } catch {
      return; // the connection dropped again; the next connect joins
    }
    if (stopped || !ack.ok) return;
    h.joined();
    h.status(true);
  };
  const onAudit = (p: { entry: AuditEntry }) => h.entry(p.entry);
  const onConnect = () => void join();
  const onDisconnect = () => h.status(false);

  s.on('mod:audit', onAudit);
  s.on('connect', onConnect);
  s.on('disconnect', onDisconnect);
  if (s.connected) void join();
  return () => {
    stopped = true;
    s.off('mod:audit', onAudit);
    s.off('connect', onConnect);
    s.off('disconnect', onDisconnect);
  };
}
