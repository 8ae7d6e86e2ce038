export type FlagStatus = 'open' | 'dismissed' | 'actioned';

export interface FlagRecord {
  id: string;
  postId: string;
  threadId: string;
  byId: string;
  reason: string;
  createdAt: string;
  status: FlagStatus;
  resolvedAt: string | null;
  resolvedById: string | null;
}

export type { AuditAction } from '../../shared/audit-actions.js';
import type { AuditAction } from '../../shared/audit-actions.js';

export interface AuditRecord {
  id: string;
  at: string;
  actorId: string;
  action: AuditAction;
  target: { kind: 'post' | 'thread' | 'user' | 'forum'; id: string };
  reason: string;
  /**
   * When `reason` is a member's flag reason (a flag dismissed, or a removal on a flag): that
   * member. Their account deletion erases the reason ('') and sets this to null: the entry stays.
   */
  flaggerId?: string | null;
}

export interface AuditFilter { actorId?: string; action?: AuditAction; targetId?: string }

export interface Cursor { at: number; id: string }

export type AddFlagResult = { ok: true; openFlaggers: number } | { ok: false; reason: 'duplicate' };

/**
 * Flags, the review queue (post ids waiting for a moderator, oldest first) and the
 * append-only audit log.
 */
export interface ModerationStore {
  /** One open flag per member per post; answers how many distinct members have open flags on it. */
  addFlag(flag: FlagRecord): Promise<AddFlagResult>;
  getFlag(id: string): Promise<FlagRecord | null>;
  flagsOfPost(postId: string): Promise<FlagRecord[]>;
  flagsByMember(memberId: string): Promise<FlagRecord[]>;
  /** Resolves the given open flags; answers the ones it changed. */
  resolveFlags(ids: string[], status: Exclude<FlagStatus, 'open'>, byId: string, at: string): Promise<FlagRecord[]>;
  /** Removes every flag a member filed (account deletion). */
  deleteFlagsBy(memberId: string): Promise<void>;

  enqueue(postId: string, at: number): Promise<void>;
  dequeue(postId: string): Promise<void>;
  queue(offset: number, limit: number): Promise<string[]>;
  inQueue(postId: string): Promise<boolean>;

  appendAudit(entry: AuditRecord): Promise<void>;
  /** Erases the reason of every audit entry quoting this member's flag (their account is being deleted). */
  eraseFlaggerReasons(memberId: string): Promise<void>;
  /** Newest first, keyset-paged. */
  audit(filter: AuditFilter, after: Cursor | null, limit: number): Promise<AuditRecord[]>;
}
