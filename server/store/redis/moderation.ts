import type { AddFlagResult, AuditFilter, AuditRecord, Cursor, FlagRecord, FlagStatus, ModerationStore } from '../moderation.js';
import type { RedisDb } from './db.js';

// Flags and the queue share the {mod} hash tag, the audit log and its indexes the {audit} tag,
// so each write below is one atomic script on one cluster slot.

// KEYS: open flaggers of the post (set), flags (hash id → json), post's flag ids (set), member's flag ids (set)
// ARGV: memberId, flagId, json
const ADD_FLAG = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
return redis.call('SCARD', KEYS[1])`;

// KEYS: flags hash, then per flag the open flaggers' set of the post the caller read for it.
// ARGV: status, byId, at, then per flag: id, postId read. Every key is passed in (a cluster
// client routes by KEYS; all of them carry the {mod} tag). A flag whose post is not the one its
// key was built for (it appeared after the caller read) answers false: the caller reads again.
const RESOLVE = `
for j = 1, #KEYS - 1 do
  local raw = redis.call('HGET', KEYS[1], ARGV[2 + 2 * j])
  if raw and cjson.decode(raw).postId ~= ARGV[3 + 2 * j] then return false end
end
local out = {}
for j = 1, #KEYS - 1 do
  local raw = redis.call('HGET', KEYS[1], ARGV[2 + 2 * j])
  if raw then
    local f = cjson.decode(raw)
    if f.status == 'open' then
      f.status = ARGV[1]; f.resolvedById = ARGV[2]; f.resolvedAt = ARGV[3]
      local enc = cjson.encode(f)
      redis.call('HSET', KEYS[1], ARGV[2 + 2 * j], enc)
      redis.call('SREM', KEYS[1 + j], f.byId)
      table.insert(out, enc)
    end
  end
end
return out`;

// KEYS: entries hash, all zset, by-actor zset, by-action zset, by-target zset, by-flagger set.
// ARGV: id, score, json, flaggerId ('' when the reason is not a member's flag reason)
const APPEND_AUDIT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 2, 5 do redis.call('ZADD', KEYS[i], ARGV[2], ARGV[1]) end
if ARGV[4] ~= '' then redis.call('SADD', KEYS[6], ARGV[1]) end
return 1`;

export class RedisModerationStore implements ModerationStore {
  constructor(private db: RedisDb) {
    db.defineScripts({
      agoraAddFlag: { keys: 4, lua: ADD_FLAG },
      agoraResolveFlags: { lua: RESOLVE },
      agoraAppendAudit: { keys: 6, lua: APPEND_AUDIT },
    });
  }

  private m = (...parts: string[]) => this.db.tagged('mod', ...parts);
  private a = (...parts: string[]) => this.db.tagged('audit', ...parts);

  async addFlag(flag: FlagRecord): Promise<AddFlagResult> {
    const n = Number(await this.db.run(this.db.script('agoraAddFlag',
      this.m('flaggers', flag.postId), this.m('flags'), this.m('post-flags', flag.postId), this.m('member-flags', flag.byId),
      flag.byId, flag.id, JSON.stringify(flag))));
    return n < 0 ? { ok: false, reason: 'duplicate' } : { ok: true, openFlaggers: n };
  }

  async getFlag(id: string): Promise<FlagRecord | null> {
    const raw = await this.db.run((r) => r.hget(this.m('flags'), id));
    return raw ? (JSON.parse(raw) as FlagRecord) : null;
  }

  private async flagsByIds(ids: string[]): Promise<FlagRecord[]> {
    if (!ids.length) return [];
    const raws = await this.db.run((r) => r.hmget(this.m('flags'), ...ids));
    return raws.filter((x): x is string => !!x).map((x) => JSON.parse(x) as FlagRecord);
  }

  async flagsOfPost(postId: string): Promise<FlagRecord[]> {
    const ids = await this.db.run((r) => r.smembers(this.m('post-flags', postId)));
    return (await this.flagsByIds(ids)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async flagsByMember(memberId: string): Promise<FlagRecord[]> {
    return this.flagsByIds(await this.db.run((r) => r.smembers(this.m('member-flags', memberId))));
  }

  async resolveFlags(ids: string[], status: Exclude<FlagStatus, 'open'>, byId: string, at: string): Promise<FlagRecord[]> {
    if (!ids.length) return [];
    // A flag's post never changes, so reading it first names every key the script touches; a
    // second read is needed only when a flag appeared in between.
    for (let attempt = 0; attempt < 3; attempt++) {
      const raws = await this.db.run((r) => r.hmget(this.m('flags'), ...ids));
      const postIds = raws.map((raw) => (raw ? (JSON.parse(raw) as FlagRecord).postId : ''));
      const out = (await this.db.run(this.db.script('agoraResolveFlags', 1 + ids.length, this.m('flags'),
        ...postIds.map((p) => this.m('flaggers', p)), status, byId, at, ...ids.flatMap((id, i) => [id, postIds[i]!])))) as string[] | null;
      if (out) return out.map((x) => JSON.parse(x) as FlagRecord);
    }
    throw new Error('flags kept changing while being resolved');
  }

  async deleteFlagsBy(memberId: string): Promise<void> {
    const flags = await this.flagsByMember(memberId);
    await this.db.run(async (r) => {
      const p = r.multi();
      for (const f of flags) {
        p.hdel(this.m('flags'), f.id);
        p.srem(this.m('post-flags', f.postId), f.id);
        p.srem(this.m('flaggers', f.postId), memberId);
      }
      p.del(this.m('member-flags', memberId));
      await p.exec();
    });
  }

  async enqueue(postId: string, at: number): Promise<void> {
    await this.db.run((r) => r.zadd(this.m('queue'), 'NX', at, postId));
  }

  async dequeue(postId: string): Promise<void> {
    await this.db.run((r) => r.zrem(this.m('queue'), postId));
  }

  async queue(offset: number, limit: number): Promise<string[]> {
    return this.db.run((r) => r.zrange(this.m('queue'), String(offset), String(offset + limit - 1)));
  }

  async inQueue(postId: string): Promise<boolean> {
    return (await this.db.run((r) => r.zscore(this.m('queue'), postId))) !== null;
  }

  async appendAudit(e: AuditRecord): Promise<void> {
    await this.db.run(this.db.script('agoraAppendAudit', this.a('entries'), this.a('all'), this.a('actor', e.actorId),
      this.a('action', e.action), this.a('target', e.target.id), this.a('flagger', e.flaggerId ?? '-'), e.id, Date.parse(e.at), JSON.stringify(e), e.flaggerId ?? ''));
  }

  async eraseFlaggerReasons(memberId: string): Promise<void> {
    const index = this.a('flagger', memberId);
    const ids = await this.db.run((r) => r.smembers(index));
    const raws = ids.length ? await this.db.run((r) => r.hmget(this.a('entries'), ...ids)) : [];
    await this.db.run(async (r) => {
      const m = r.multi();
      raws.forEach((raw, i) => {
        if (raw) m.hset(this.a('entries'), ids[i]!, JSON.stringify({ ...(JSON.parse(raw) as AuditRecord), reason: '', flaggerId: null }));
      });
      m.del(index);
      await m.exec();
    });
  }

  async audit(filter: AuditFilter, after: Cursor | null, limit: number): Promise<AuditRecord[]> {
    // Walk the most selective index newest first and check the other filters on each entry.
    const index = filter.targetId ? this.a('target', filter.targetId) : filter.actorId ? this.a('actor', filter.actorId) : filter.action ? this.a('action', filter.action) : this.a('all');
    const out: AuditRecord[] = [];
    let max = after ? String(after.at) : '+inf';
    let skipTies = after;
    for (let round = 0; round < 50 && out.length < limit; round++) {
      const raw = await this.db.run((r) => r.zrevrangebyscore(index, max, '-inf', 'WITHSCORES', 'LIMIT', 0, 200));
      if (!raw.length) break;
      const ids: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const id = raw[i]!;
        const score = Number(raw[i + 1]);
        if (skipTies && score === skipTies.at && id >= skipTies.id) continue;
        ids.push(id);
        scores.push(score);
      }
      const entries = ids.length ? await this.db.run((r) => r.hmget(this.a('entries'), ...ids)) : [];
      for (const rawEntry of entries) {
        if (!rawEntry) continue;
        const e = JSON.parse(rawEntry) as AuditRecord;
        if ((filter.actorId && e.actorId !== filter.actorId) || (filter.action && e.action !== filter.action) || (filter.targetId && e.target.id !== filter.targetId)) continue;
        out.push(e);
        if (out.length === limit) break;
      }
      if (raw.length < 400) break;
      const lastId = raw[raw.length - 2]!;
      const lastScore = Number(raw[raw.length - 1]);
      max = String(lastScore);
      skipTies = { at: lastScore, id: lastId };
    }
    return out;
  }
}
