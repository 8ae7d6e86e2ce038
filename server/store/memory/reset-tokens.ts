import type { ResetTokenStore } from '../reset-tokens.js';

/** In memory: each take is synchronous between awaits, so it is atomic within the one process. */
export class MemoryResetTokenStore implements ResetTokenStore {
  private tokens = new Map<string, { userId: string; expiresAt: number }>();

  async issue(tokenHash: string, userId: string, now: number, ttlMs: number): Promise<void> {
    this.tokens.set(tokenHash, { userId, expiresAt: now + ttlMs });
  }

  async take(tokenHash: string, now: number): Promise<string | null> {
    const t = this.tokens.get(tokenHash);
    this.tokens.delete(tokenHash);
    // Expired tokens go when any token is taken, so unused ones cannot pile up (issuing is rate-limited).
    for (const [hash, other] of this.tokens) if (other.expiresAt <= now) this.tokens.delete(hash);
    return t && t.expiresAt > now ? t.userId : null;
  }

  async deleteForUser(userId: string): Promise<void> {
    for (const [hash, t] of this.tokens) if (t.userId === userId) this.tokens.delete(hash);
  }
}
