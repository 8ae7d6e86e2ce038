// The Lua scripts of the Redis forum store (./forum.ts): each runs on one thread's keys, all of
// which share the hash tag {t:<threadId>}, so it is one atomic step on one cluster slot.

// A thread's `removal` field is JSON: absent (never removed) or 'null' (restored) means not removed.
const IS_REMOVED = `local function removed(key)
  local rm = redis.call('HGET', key, 'removal')
  return rm ~= false and rm ~= 'null'
end
`;

// Every post keeps the seq of its creation (`seq`); KEYS `visible` is a sorted set of the thread's
// visible posts by that seq, kept in step with postCount, from which unread counts are read.

// KEYS: thread, post, order, events, seq, visible. ARGV: eventJsonTail, logSize, countDelta, lastPostAt(json),
// postId, checkLock ('1'/'0'), then post field/value pairs.
export const ADD_POST = `${IS_REMOVED}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if removed(KEYS[1]) then return -3 end
if ARGV[6] == '1' and redis.call('HGET', KEYS[1], 'locked') == 'true' then return -2 end
local seq = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[2], unpack(ARGV, 7))
redis.call('HSET', KEYS[2], 'seq', seq)
if tonumber(ARGV[3]) > 0 then redis.call('ZADD', KEYS[6], seq, ARGV[5]) end
redis.call('RPUSH', KEYS[3], ARGV[5])
redis.call('HINCRBY', KEYS[1], 'postCount', tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'lastPostAt', ARGV[4])
redis.call('RPUSH', KEYS[4], '{"seq":' .. seq .. ',' .. ARGV[1] .. '}')
redis.call('LTRIM', KEYS[4], -tonumber(ARGV[2]), -1)
return {seq, redis.call('HGETALL', KEYS[1])}`;

// KEYS: thread, post, order, events, seq, visible. ARGV: eventJsonTail, logSize, postId, nThreadFields*2, thread pairs..., post pairs...
export const CREATE_THREAD = `
local n = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + n))
redis.call('HSET', KEYS[2], unpack(ARGV, 5 + n))
redis.call('RPUSH', KEYS[3], ARGV[3])
local seq = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[2], 'seq', seq)
if redis.call('HGET', KEYS[2], 'status') == '"visible"' then redis.call('ZADD', KEYS[6], seq, ARGV[3]) end
redis.call('RPUSH', KEYS[4], '{"seq":' .. seq .. ',' .. ARGV[1] .. '}')
redis.call('LTRIM', KEYS[4], -tonumber(ARGV[2]), -1)
return seq`;

// KEYS: thread, post, events, seq, visible. ARGV: allowedStatuses (json strings joined by '|', '' = any),
// event json tails joined by '\n' ('' = none), logSize, countDelta, then patch pairs.
export const MUTATE_POST = `
local status = redis.call('HGET', KEYS[2], 'status')
if not status then return {-1} end
if ARGV[1] ~= '' then
  local ok = false
  for s in string.gmatch(ARGV[1], '[^|]+') do if s == status then ok = true end end
  if not ok then return {-2} end
end
if #ARGV > 4 then redis.call('HSET', KEYS[2], unpack(ARGV, 5)) end
if tonumber(ARGV[4]) ~= 0 then
  redis.call('HINCRBY', KEYS[1], 'postCount', tonumber(ARGV[4]))
  local created = redis.call('HGET', KEYS[2], 'seq')
  local id = string.match(KEYS[2], '.*:p:(.*)$')
  if created and tonumber(ARGV[4]) > 0 then redis.call('ZADD', KEYS[5], tonumber(created), id)
  elseif tonumber(ARGV[4]) < 0 then redis.call('ZREM', KEYS[5], id) end
end
local seqs = {}
for tail in string.gmatch(ARGV[2], '[^\\n]+') do
  local seq = redis.call('INCR', KEYS[4])
  redis.call('RPUSH', KEYS[3], '{"seq":' .. seq .. ',' .. tail .. '}')
  table.insert(seqs, seq)
end
redis.call('LTRIM', KEYS[3], -tonumber(ARGV[3]), -1)
return {0, redis.call('HGETALL', KEYS[2]), seqs}`;

// KEYS: thread. ARGV: removal json to remove, or 'null' to restore.
export const SET_THREAD_REMOVAL = `${IS_REMOVED}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local restoring = ARGV[1] == 'null'
if removed(KEYS[1]) ~= restoring then return {-2} end
if restoring and redis.call('HGET', KEYS[1], 'purged') == 'true' then return {-3} end
redis.call('HSET', KEYS[1], 'removal', ARGV[1])
return {0, redis.call('HGETALL', KEYS[1])}`;

// KEYS: thread, order, visible, then every post of the thread as the caller read the order. ARGV: removal json.
// The thread is marked removed first, so no post can join it; if one joined after the caller read
// the order, nothing else is written and the caller reads the (now final) order again.
export const PURGE_THREAD = `${IS_REMOVED}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
if not removed(KEYS[1]) then redis.call('HSET', KEYS[1], 'removal', ARGV[1]) end
if redis.call('LLEN', KEYS[2]) ~= #KEYS - 3 then return {-2} end
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    if not removed(KEYS[i]) then redis.call('HSET', KEYS[i], 'removal', ARGV[1]) end
    redis.call('HSET', KEYS[i], 'status', '"removed"', 'source', 'null', 'html', 'null', 'purged', 'true')
  end
end
redis.call('HSET', KEYS[1], 'title', '""', 'purged', 'true', 'postCount', '0')
redis.call('DEL', KEYS[3])
return {0, redis.call('HGETALL', KEYS[1])}`;

export const PATCH_THREAD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
if #ARGV > 0 then redis.call('HSET', KEYS[1], unpack(ARGV)) end
return redis.call('HGETALL', KEYS[1])`;

/** A forum's fields changed in place, so two admins' edits never lose each other's fields. */
export const UPDATE_FORUM = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
local f = cjson.decode(raw)
for k, v in pairs(cjson.decode(ARGV[2])) do f[k] = v end
local out = cjson.encode(f)
redis.call('HSET', KEYS[1], ARGV[1], out)
return out`;
