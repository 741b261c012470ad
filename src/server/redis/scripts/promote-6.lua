--[[
  promote (the dispatcher): grant holds to queue heads, in FIFO order, while stock lasts.
  Runs under the sale's dispatcher lock; the caller signals each promoted buyer's workflow.
  KEYS[1] meta   KEYS[2] queue   KEYS[3] stock   KEYS[4] holds   KEYS[5] grantSeq   KEYS[6] grants
  ARGV[1] holdTtlMs   ARGV[2] graceMs   ARGV[3] holdKeyPrefix (all hold keys share the sale's slot)
  ARGV[4] max buyers to promote in this call
  Returns a flat list { email, token, expiresAtMs, email, token, expiresAtMs, ... }.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(redis.call('HGET', KEYS[1], 'startsAt')) then return {} end
if now >= tonumber(redis.call('HGET', KEYS[1], 'endsAt')) then return {} end

local out = {}
local stock = tonumber(redis.call('GET', KEYS[3]) or '0')
local max = tonumber(ARGV[4])
local promoted = 0
while stock > 0 and promoted < max do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if #head == 0 then break end
  local email, arrival = head[1], head[2]
  local token = redis.call('INCR', KEYS[5])
  local expiresAt = now + tonumber(ARGV[1])
  stock = redis.call('DECR', KEYS[3])
  redis.call('HSET', KEYS[4], email, token .. ':' .. expiresAt .. ':' .. arrival)
  redis.call('SET', ARGV[3] .. email, token, 'PX', tonumber(ARGV[1]) + tonumber(ARGV[2]))
  redis.call('ZREM', KEYS[2], email)
  redis.call('RPUSH', KEYS[6], token .. '|' .. email .. '|' .. arrival .. '|' .. now .. '|dispatch')
  out[#out + 1] = email
  out[#out + 1] = tostring(token)
  out[#out + 1] = tostring(expiresAt)
  promoted = promoted + 1
end
return out
