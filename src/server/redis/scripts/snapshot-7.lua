--[[
  snapshot: one consistent snapshot of a buyer (or, with an empty email, of the sale).
  KEYS[1] meta   KEYS[2] queue   KEYS[3] stock   KEYS[4] holds   KEYS[5] paid   KEYS[6] outcome
  KEYS[7] grants
  ARGV[1] email (may be '')
  Returns { nowMs, stock, holdsLive, queueSize, sold, grantsTotal, position, holdEntry, paid, outcome }
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local email = ARGV[1]
local position, hold, paid, outcome = 0, '', 0, ''
if email ~= '' then
  local rank = redis.call('ZRANK', KEYS[2], email)
  if rank then position = rank + 1 end
  hold = redis.call('HGET', KEYS[4], email) or ''
  paid = redis.call('SISMEMBER', KEYS[5], email)
  outcome = redis.call('HGET', KEYS[6], email) or ''
end
return {
  now,
  tonumber(redis.call('GET', KEYS[3]) or '0'),
  redis.call('HLEN', KEYS[4]),
  redis.call('ZCARD', KEYS[2]),
  redis.call('SCARD', KEYS[5]),
  redis.call('LLEN', KEYS[7]),
  position, hold, paid, outcome,
}
