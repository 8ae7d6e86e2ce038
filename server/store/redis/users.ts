import { createHash } from 'node:crypto';
import { emailKey, type UserListPage, type UserListQuery, type UserPatch, type UserRecord, type UserStore } from '../users.js';
import type { RedisDb } from './db.js';
import type { ReadCache } from './read-cache.js';

// Every user key shares the `{users}` hash tag, so creating a user (claim the name and the
// referral code, write the record) is one atomic script that stays on one cluster slot.
const CREATE = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SET', KEYS[3], ARGV[4])
if ARGV[5] ~= '' then redis.call('HINCRBY', KEYS[4], ARGV[5], 1) end
redis.call('ZADD', KEYS[5], 0, ARGV[1])
return 1`;

const DELETE = `
local raw = redis.call('GET', KEYS[3])
if not raw then return 0 end
local u = cjson.decode(raw)
redis.call('HDEL', KEYS[1], string.lower(u.username))
redis.call('ZREM', KEYS[5], string.lower(u.username))
redis.call('HDEL', KEYS[2], u.referralCode)
redis.call('HDEL', KEYS[4], u.id)
redis.call('DEL', KEYS[3])
return 1`;

// The name index (a sorted set of lowercased names, all scored 0, so it pages in name order) came
// after the names hash: accounts made before it are added once, when the two disagree.
const INDEX_NAMES = `
if redis.call('ZCARD', KEYS[2]) == redis.call('HLEN', KEYS[1]) then return 0 end
redis.call('DEL', KEYS[2])
local names = redis.call('HKEYS', KEYS[1])
for i = 1, #names, 500 do
  local args = {}
  for j = i, math.min(i + 499, #names) do args[#args + 1] = 0; args[#args + 1] = names[j] end
  redis.call('ZADD', KEYS[2], unpack(args))
end
return #names`;

/** Names read from the index per step while a listing looks for its page. */
const SCAN_STEP = 200;

// Read-modify-write inside Redis so two concurrent patches never lose each other's fields.
const UPDATE = `
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local u = cjson.decode(raw)
local p = cjson.decode(ARGV[1])
for k, v in pairs(p) do u[k] = v end
local out = cjson.encode(u)
redis.call('SET', KEYS[1], out)
return out`;

// Callers get their own copy of a cached record, so nothing they change leaks into the cache.
const copy = (u: UserRecord): UserRecord => ({ ...u, ban: u.ban ? { ...u.ban } : null });

export class RedisUserStore implements UserStore {
  /** `cache`: accounts are read on every signed-in request; see read-cache.ts for the guarantees. */
  constructor(
    private db: RedisDb,
    private cache?: ReadCache<UserRecord>,
  ) {
    db.defineScripts({
      agoraUserCreate: { keys: 5, lua: CREATE },
      agoraUserDelete: { keys: 5, lua: DELETE },
      agoraUserIndexNames: { keys: 2, lua: INDEX_NAMES },
      agoraUserUpdate: { keys: 1, lua: UPDATE },
    });
  }

  private names = () => this.db.tagged('users', 'names');
  private codes = () => this.db.tagged('users', 'codes');
  private referrals = () => this.db.tagged('users', 'referrals');
  private byName = () => this.db.tagged('users', 'byname');
  private rec = (id: string) => this.db.tagged('users', 'u', id);
  // The accounts of one address (a set of ids), under a hash of the address so that no key name
  // holds one. Kept beside the scripts rather than in them: a lost SADD leaves an account that a
  // password reset cannot find, a stale id is filtered out on read.
  private byEmail = (email: string) => this.db.tagged('users', 'email', createHash('sha256').update(emailKey(email)).digest('base64url'));

  async create(user: UserRecord): Promise<boolean> {
    const ok = await this.db.run(this.db.script('agoraUserCreate',
      this.names(), this.codes(), this.rec(user.id), this.referrals(), this.byName(),
      user.username.toLowerCase(), user.referralCode, user.id, JSON.stringify(user), user.referredBy ?? ''));
    if (ok === 1) await this.db.run((r) => r.sadd(this.byEmail(user.email), user.id));
    return ok === 1;
  }

  private async load(id: string): Promise<UserRecord | null> {
    const raw = await this.db.run((r) => r.get(this.rec(id)));
    return raw ? (JSON.parse(raw) as UserRecord) : null;
  }

  async get(id: string): Promise<UserRecord | null> {
    if (!this.cache) return this.load(id);
    const u = await this.cache.get(id, async () => ({ value: await this.load(id) }));
    return u && copy(u);
  }

  async getMany(ids: string[]): Promise<Map<string, UserRecord>> {
    const out = new Map<string, UserRecord>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.cache?.lookup(id);
      if (hit) out.set(id, copy(hit));
      else missing.push(id);
    }
    if (!missing.length) return out;
    const ticket = this.cache?.ticket();
    // One key per MGET call would defeat the point; all user keys share a slot, so MGET is cluster-safe.
    const raws = await this.db.run((r) => r.mget(...missing.map(this.rec)));
    raws.forEach((raw, i) => {
      if (!raw) return;
      const u = JSON.parse(raw) as UserRecord;
      out.set(missing[i]!, u);
      if (ticket) this.cache!.fill(ticket, missing[i]!, copy(u));
    });
    return out;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const id = await this.db.run((r) => r.hget(this.names(), username.toLowerCase()));
    return id ? this.get(id) : null;
  }

  // One HMGET for the names, then the records in one MGET (or from the cache).
  async findByUsernames(usernames: readonly string[]): Promise<Map<string, UserRecord>> {
    const names = [...new Set(usernames.map((n) => n.toLowerCase()))];
    const out = new Map<string, UserRecord>();
    if (!names.length) return out;
    const ids = await this.db.run((r) => r.hmget(this.names(), ...names));
    const users = await this.getMany(ids.filter((id): id is string => !!id));
    names.forEach((name, i) => {
      const u = ids[i] ? users.get(ids[i]!) : undefined;
      if (u) out.set(name, u);
    });
    return out;
  }

  async findByReferralCode(code: string): Promise<UserRecord | null> {
    const id = await this.db.run((r) => r.hget(this.codes(), code));
    return id ? this.get(id) : null;
  }

  private emailIndexed?: Promise<void>;

  // The address index came after the accounts: those made before it are added once, the first time
  // a process looks an address up, and a marker says it is done (later accounts index themselves).
  private indexEmails(): Promise<void> {
    this.emailIndexed ??= (async () => {
      const marker = this.db.tagged('users', 'email-indexed');
      if (await this.db.run((r) => r.exists(marker))) return;
      const ids = await this.db.run((r) => r.hvals(this.names()));
      for (let i = 0; i < ids.length; i += 500) {
        const users = await this.getMany(ids.slice(i, i + 500));
        for (const u of users.values()) await this.db.run((r) => r.sadd(this.byEmail(u.email), u.id));
      }
      await this.db.run((r) => r.set(marker, '1'));
    })().catch((err) => {
      this.emailIndexed = undefined; // try again at the next look-up
      throw err;
    });
    return this.emailIndexed;
  }

  async findByEmail(email: string): Promise<UserRecord[]> {
    await this.indexEmails();
    const ids = await this.db.run((r) => r.smembers(this.byEmail(email)));
    const found = ids.length ? await this.getMany(ids) : new Map<string, UserRecord>();
    return [...found.values()].filter((u) => emailKey(u.email) === emailKey(email));
  }

  async update(id: string, patch: UserPatch): Promise<UserRecord | null> {
    const before = patch.email !== undefined ? await this.load(id) : null;
    // cjson keeps a JSON null as cjson.null, so `ban: null` round-trips as null.
    const raw = (await this.db.run(this.db.script('agoraUserUpdate', this.rec(id), JSON.stringify(patch)))) as string | null;
    await this.cache?.invalidate(id);
    if (before && raw && emailKey(before.email) !== emailKey(patch.email!)) {
      await this.db.run((r) => r.multi().srem(this.byEmail(before.email), id).sadd(this.byEmail(patch.email!), id).exec());
    }
    return raw ? (JSON.parse(raw) as UserRecord) : null;
  }

  async delete(id: string): Promise<void> {
    const before = await this.load(id);
    await this.db.run(this.db.script('agoraUserDelete', this.names(), this.codes(), this.rec(id), this.referrals(), this.byName()));
    await this.cache?.invalidate(id);
    if (before) await this.db.run((r) => r.srem(this.byEmail(before.email), id));
  }

  // A name containing `query` can sit anywhere in the order, so the index is read step by step
  // from `after` until the page is full; each step loads its records in one MGET.
  async list({ query, match, after, limit }: UserListQuery): Promise<UserListPage> {
    await this.db.run(this.db.script('agoraUserIndexNames', this.names(), this.byName()));
    const needle = query.toLowerCase();
    const items: UserRecord[] = [];
    let from = after === null ? '-' : `(${after}`;
    for (;;) {
      const names = await this.db.run((r) => r.zrangebylex(this.byName(), from, '+', 'LIMIT', 0, SCAN_STEP));
      const wanted = names.filter((n) => n.includes(needle));
      const ids = wanted.length ? await this.db.run((r) => r.hmget(this.names(), ...wanted)) : [];
      const users = await this.getMany(ids.filter((id): id is string => !!id));
      for (const id of ids) {
        const u = id ? users.get(id) : undefined;
        if (!u || !match(u)) continue;
        if (items.length === limit) return { items, next: items[items.length - 1]!.username.toLowerCase() };
        items.push(u);
      }
      if (names.length < SCAN_STEP) return { items, next: null };
      from = `(${names[names.length - 1]!}`;
    }
  }

  async countReferredBy(referrerId: string): Promise<number> {
    const n = await this.db.run((r) => r.hget(this.referrals(), referrerId));
    return n ? Number(n) : 0;
  }
}
