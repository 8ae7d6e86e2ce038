/** Sessions by opaque id, indexed by user so a password change or a deletion can end them all. */
export interface SessionStore {
  get(sid: string): Promise<string | null>;
  /** `data` is the serialized session; `userId` (when signed in) indexes it for `destroyForUser`. */
  set(sid: string, data: string, ttlMs: number, userId: string | null): Promise<void>;
  destroy(sid: string): Promise<void>;
  listForUser(userId: string): Promise<string[]>;
  /** Ends every session of the user except `exceptSid`; answers how many ended. */
  destroyForUser(userId: string, exceptSid?: string): Promise<number>;
}
