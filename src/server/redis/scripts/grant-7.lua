--[[
  grant: decide atomically whether one queued buyer gets a hold now.
  Sale open, stock > 0, and Fast Pass: when stock <= max(1, ceil(initial * pct / 100)) only the
  queue head may be granted. A granted hold: DECR stock, HSET holds, SET the TTL'd hold key,
  ZREM from the queue, RPUSH a grant record.
  KEYS[1] meta   KEYS[2] queue   KEYS[3] stock   KEYS[4] holds   KEYS[5] grantSeq   KEYS[6] grants
  KEYS[7] hold key of this buyer
  ARGV[1] email   ARGV[2] holdTtlMs   ARGV[3] graceMs   ARGV[4] fastPassPercent
  Returns { status, token, expiresAtMs, stock }, status one of:
    'granted' (also when this buyer already holds: same token), 'wait', 'sold_out',
    'not_started', 'closed', 'not_queued', 'no_sale'
]]
local email = ARGV[1]
local held = redis.call('HGET', KEYS[4], email)
if held then
  local token, expiresAt = string.match(held, '^(%d+):(%d+)')
  return { 'granted', token, expiresAt, tonumber(redis.call('GET', KEYS[3]) or '0') }
end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'no_sale', '', '0', 0 } end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(redis.call('HGET', KEYS[1], 'startsAt')) then return { 'not_started', '', '0', 0 } end
if now >= tonumber(redis.call('HGET', KEYS[1], 'endsAt')) then return { 'closed', '', '0', 0 } end

local arrival = redis.call('ZSCORE', KEYS[2], email)
if not arrival then return { 'not_queued', '', '0', 0 } end

local stock = tonumber(redis.call('GET', KEYS[3]) or '0')
if stock <= 0 then
  if redis.call('HLEN', KEYS[4]) == 0 then return { 'sold_out', '', '0', 0 } end
  return { 'wait', '', '0', 0 }
end

local initial = tonumber(redis.call('HGET', KEYS[1], 'initial'))
local threshold = math.max(1, math.ceil(initial * tonumber(ARGV[4]) / 100))
local mode = 'normal'
if stock <= threshold then
  mode = 'fastpass'
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head ~= email then return { 'wait', '', '0', stock } end
end

local token = redis.call('INCR', KEYS[5])
local expiresAt = now + tonumber(ARGV[2])
redis.call('DECR', KEYS[3])
redis.call('HSET', KEYS[4], email, token .. ':' .. expiresAt .. ':' .. arrival)
redis.call('SET', KEYS[7], token, 'PX', tonumber(ARGV[2]) + tonumber(ARGV[3]))
redis.call('ZREM', KEYS[2], email)
redis.call('RPUSH', KEYS[6], token .. '|' .. email .. '|' .. arrival .. '|' .. now .. '|' .. mode)
return { 'granted', tostring(token), tostring(expiresAt), stock - 1 }
