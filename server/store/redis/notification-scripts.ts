// The Lua scripts of the Redis notification store (./notifications.ts). Each runs on the keys of
// one hash tag only (a member's {n:<userId>}, or the global {ndigest}), so it is one atomic step
// on one cluster slot.
//
// A member's keys: `rec` (hash id → record JSON, `read` left out), `time` (sorted set of ids by
// time in ms), `unread` (the unread ones, same scores), `emailed` (set of ids claimed for e-mail).
// Read state lives only in `unread`, so marking all read is one DEL and the count one ZCARD.

// Redis orders equal scores by the bytes of the member; Lua's `<` on strings follows the server's
// collation locale, so the keyset comparison is spelt out byte by byte to match Redis (and, for
// the ASCII ids Agora makes, JavaScript's `<` in the memory store).
const LESS = `local function less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
`;

// Pairs of (record JSON, '1' read / '0' unread) for the ids that still exist.
const WITH_READ = `local function withRead(rec, unread, ids)
  local out = {}
  for _, id in ipairs(ids) do
    local raw = redis.call('HGET', rec, id)
    if raw then
      out[#out + 1] = raw
      out[#out + 1] = redis.call('ZSCORE', unread, id) and '0' or '1'
    end
  end
  return out
end
`;

// KEYS: rec, time, unread. ARGV: id, json, ms, '1' if unread. Answers 1 if it was new.
export const ADD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[4] == '1' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return 1`;

// KEYS: rec, unread. ARGV: ids. Answers withRead pairs.
export const FETCH = `${WITH_READ}
return withRead(KEYS[1], KEYS[2], ARGV)`;

// KEYS: index (time or unread), rec, unread. ARGV: cursor ms ('' for the first page), cursor id, how many.
// Newest first; equal times by id, descending: after the cursor means an older time, or the same
// time and a smaller id.
export const PAGE = `${LESS}${WITH_READ}
local want = tonumber(ARGV[3])
local ids = {}
local max = '+inf'
if ARGV[1] ~= '' then
  max = '(' .. ARGV[1]
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do
    if #ids < want and less(id, ARGV[2]) then ids[#ids + 1] = id end
  end
end
if #ids < want then
  for _, id in ipairs(redis.call('ZREVRANGEBYSCORE', KEYS[1], max, '-inf', 'LIMIT', 0, want - #ids)) do ids[#ids + 1] = id end
end
return withRead(KEYS[2], KEYS[3], ids)`;

// KEYS: unread. ARGV: 'all', or 'ids' then the ids. Ids that are not the member's are simply not
// in their set. Answers the unread count after.
export const MARK_READ = `
if ARGV[1] == 'all' then redis.call('DEL', KEYS[1])
elseif #ARGV > 1 then redis.call('ZREM', KEYS[1], unpack(ARGV, 2)) end
return redis.call('ZCARD', KEYS[1])`;

// KEYS: rec, time, unread. ARGV: postId, then ids. Deletes those that exist and are about the post
// (a stale post-index entry finds nothing to delete); answers withRead pairs of what it deleted.
export const WITHDRAW = `${WITH_READ}
local ids = {}
for i = 2, #ARGV do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw).postId == ARGV[1] then ids[#ids + 1] = ARGV[i] end
end
local out = withRead(KEYS[1], KEYS[3], ids)
for _, id in ipairs(ids) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
return out`;

// KEYS: rec, unread, emailed. ARGV: id. Claimed once, ever (the claim outlives a withdrawal, as
// in the memory store), and only while the notification exists and is unread.
export const CLAIM_EMAIL = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 or not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
return redis.call('SADD', KEYS[3], ARGV[1])`;

// KEYS: the member's read positions (hash thread → seq). ARGV: thread, seq. Only ever forward.
export const THREAD_READ = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and tonumber(cur) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// KEYS: the daily and weekly digest sets. ARGV: userId, digest. The sets are where a member's
// digest choice lives (not in their preferences hash), so there is nothing to keep in step.
export const SET_DIGEST = `
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
if ARGV[2] == 'daily' then redis.call('SADD', KEYS[1], ARGV[1])
elseif ARGV[2] == 'weekly' then redis.call('SADD', KEYS[2], ARGV[1]) end
return 1`;
