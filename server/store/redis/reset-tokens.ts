import type { ResetTokenStore, TokenPurpose } from '../reset-tokens.js';
import type { RedisDb } from './db.js';

// Layout, under the `{reset}` (or `{verify}`) hash tag so a script or a multi-key DEL stays on one cluster slot:
// `{reset}:t:<token hash>` = "<userId> <expiresAt>", expiring with the token, and
// `{reset}:u:<userId>` = the set of that account's token hashes, expiring with its newest token.
// The expiry time is kept in the value too: the service's clock decides (tests move it), while
// Redis's TTL makes sure nothing outlives its hour.

// KEYS: token, user's set. ARGV: value, ttlMs, hash.
const ISSUE = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1`;

export class RedisResetTokenStore implements ResetTokenStore {
  /** `purpose` names the hash tag (`{reset}`, `{verify}`): one store per kind of link, never mixed. */
  constructor(private db: RedisDb, private purpose: TokenPurpose = 'reset') {
    db.defineScripts({ agoraResetIssue: { keys: 2, lua: ISSUE } });
  }

  private tokenKey = (hash: string) => this.db.tagged(this.purpose, 't', hash);
  private userKey = (userId: string) => this.db.tagged(this.purpose, 'u', userId);

  async issue(tokenHash: string, userId: string, now: number, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    await this.db.run(this.db.script('agoraResetIssue', this.tokenKey(tokenHash), this.userKey(userId), `${userId} ${now + ttl}`, ttl, tokenHash));
  }

  async take(tokenHash: string, now: number): Promise<string | null> {
    // GETDEL: read and delete in one step, so a token can be taken once, by one process.
    const value = await this.db.run((r) => r.getdel(this.tokenKey(tokenHash)));
    if (!value) return null;
    const [userId, expiresAt] = value.split(' ');
    // The hash left in the account's set points at nothing now; the set expires on its own.
    return userId && Number(expiresAt) > now ? userId : null;
  }

  async deleteForUser(userId: string): Promise<void> {
    const set = this.userKey(userId);
    const hashes = await this.db.run((r) => r.smembers(set));
    // One DEL of keys on one slot; a token issued between the two steps is refused at confirm,
    // since its account is gone.
    await this.db.run((r) => r.del(set, ...hashes.map(this.tokenKey)));
  }
}
