import { tokenDigest, type Reservation, type ReferralStore, type TokenOutcome, type TokenRecord } from '../referrals.js';

interface Entry { record: TokenRecord; expiresAt: number }

export class MemoryReferralStore implements ReferralStore {
  private tokens = new Map<string, Entry>();
  private optOuts = new Set<string>();
  private writes = 0;

  constructor(private now: () => number = Date.now) {}

  private live(key: string): Entry | null {
    const e = this.tokens.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.tokens.delete(key);
      return null;
    }
    return e;
  }

  // No timer to stop: expired tokens are dropped as they are read, and swept now and then on write.
  private sweepSometimes(): void {
    if (++this.writes % 256 !== 0) return;
    for (const key of [...this.tokens.keys()]) this.live(key);
  }

  async issueToken(token: string, memberId: string, ttlMs: number): Promise<void> {
    this.sweepSometimes();
    const now = this.now();
    this.tokens.set(tokenDigest(token), { record: { state: 'issued', memberId, check: null, since: now }, expiresAt: now + ttlMs });
  }

  async getToken(token: string): Promise<TokenRecord | null> {
    const e = this.live(tokenDigest(token));
    return e ? { ...e.record } : null;
  }

  // Synchronous from read to write, so it is atomic within the one process the memory store serves.
  async reserve(token: string, memberId: string, check: string, minTtlMs: number): Promise<Reservation> {
    const e = this.live(tokenDigest(token));
    if (!e || e.record.memberId !== memberId) return { kind: 'invalid' };
    const { state } = e.record;
    if (state !== 'issued' && state !== 'failed') return { kind: 'taken', record: { ...e.record } };
    const now = this.now();
    e.record = { ...e.record, state: 'sending', check, since: now };
    e.expiresAt = Math.max(e.expiresAt, now + minTtlMs);
    return { kind: 'reserved', previous: state };
  }

  async settle(token: string, outcome: TokenOutcome): Promise<boolean> {
    const e = this.live(tokenDigest(token));
    if (!e || e.record.state !== 'sending') return false;
    const reusable = outcome === 'issued' || outcome === 'failed';
    e.record = { ...e.record, state: outcome, check: reusable ? null : e.record.check, since: this.now() };
    return true;
  }

  async addOptOut(fingerprint: string): Promise<void> {
    this.optOuts.add(fingerprint);
  }

  async isOptedOut(fingerprint: string): Promise<boolean> {
    return this.optOuts.has(fingerprint);
  }
}
