import { tokenDigest, type Reservation, type ReferralStore, type TokenOutcome, type TokenRecord, type TokenState } from '../referrals.js';
import type { RedisDb } from './db.js';

// Layout: one hash per form token, `referral:token:<sha256 of the token>` = {state, member, check,
// since}, expiring with the token; one string per opt-out, `referral:optout:<fingerprint>` = "1".
// Every write touches a single key, so nothing here needs a hash tag to stay cluster-safe.

// KEYS: token. ARGV: memberId, check, now, minTtlMs.
const RESERVE = `
local h = redis.call('HMGET', KEYS[1], 'state', 'member', 'check', 'since')
if not h[1] or h[2] ~= ARGV[1] then return {'invalid'} end
if h[1] ~= 'issued' and h[1] ~= 'failed' then return {'taken', h[1], h[3] or '', h[4] or '0'} end
redis.call('HSET', KEYS[1], 'state', 'sending', 'check', ARGV[2], 'since', ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return {'reserved', h[1]}`;

// KEYS: token. ARGV: outcome, now. Only a token that is `sending` has an outcome to record.
const SETTLE = `
if redis.call('HGET', KEYS[1], 'state') ~= 'sending' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'since', ARGV[2])
if ARGV[1] == 'issued' or ARGV[1] == 'failed' then redis.call('HDEL', KEYS[1], 'check') end
return 1`;

export class RedisReferralStore implements ReferralStore {
  constructor(private db: RedisDb) {
    db.defineScripts({
      agoraReferralReserve: { keys: 1, lua: RESERVE },
      agoraReferralSettle: { keys: 1, lua: SETTLE },
    });
  }

  private tokenKey = (token: string) => this.db.key('referral', 'token', tokenDigest(token));
  private optOutKey = (fingerprint: string) => this.db.key('referral', 'optout', fingerprint);

  async issueToken(token: string, memberId: string, ttlMs: number): Promise<void> {
    const key = this.tokenKey(token);
    await this.db.run((r) => r.multi().hset(key, 'state', 'issued', 'member', memberId, 'since', String(Date.now())).pexpire(key, ttlMs).exec());
  }

  async getToken(token: string): Promise<TokenRecord | null> {
    const h = await this.db.run((r) => r.hgetall(this.tokenKey(token)));
    if (!h.state || !h.member) return null;
    return { state: h.state as TokenState, memberId: h.member, check: h.check || null, since: Number(h.since ?? 0) };
  }

  async reserve(token: string, memberId: string, check: string, minTtlMs: number): Promise<Reservation> {
    const out = (await this.db.run(this.db.script('agoraReferralReserve', this.tokenKey(token), memberId, check, Date.now(), minTtlMs))) as string[];
    if (out[0] === 'reserved') return { kind: 'reserved', previous: out[1] as 'issued' | 'failed' };
    if (out[0] === 'taken') {
      return { kind: 'taken', record: { state: out[1] as TokenState, memberId, check: out[2] || null, since: Number(out[3]) } };
    }
    return { kind: 'invalid' };
  }

  async settle(token: string, outcome: TokenOutcome): Promise<boolean> {
    return (await this.db.run(this.db.script('agoraReferralSettle', this.tokenKey(token), outcome, Date.now()))) === 1;
  }

  async addOptOut(fingerprint: string): Promise<void> {
    await this.db.run((r) => r.set(this.optOutKey(fingerprint), '1'));
  }

  async isOptedOut(fingerprint: string): Promise<boolean> {
    return (await this.db.run((r) => r.exists(this.optOutKey(fingerprint)))) === 1;
  }
}
