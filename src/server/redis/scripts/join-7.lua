--[[
  join: put a buyer in the sale's FIFO queue (idempotent).
  KEYS[1] meta   KEYS[2] queue   KEYS[3] arrivalSeq   KEYS[4] paid   KEYS[5] holds   KEYS[6] stock
  KEYS[7] outcome
  ARGV[1] email
  Returns { status, position, size, isNew }, status one of:
    'queued' (position = ZRANK + 1), 'held', 'paid', 'sold_out', 'not_started', 'ended', 'no_sale'
]]
local email = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'no_sale', 0, 0, 0 } end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local startsAt = tonumber(redis.call('HGET', KEYS[1], 'startsAt'))
local endsAt = tonumber(redis.call('HGET', KEYS[1], 'endsAt'))
if now < startsAt then return { 'not_started', 0, 0, 0 } end
if now >= endsAt then return { 'ended', 0, 0, 0 } end
if redis.call('SISMEMBER', KEYS[4], email) == 1 then return { 'paid', 0, 0, 0 } end
if redis.call('HEXISTS', KEYS[5], email) == 1 then return { 'held', 0, redis.call('ZCARD', KEYS[2]), 0 } end

local rank = redis.call('ZRANK', KEYS[2], email)
if rank then return { 'queued', rank + 1, redis.call('ZCARD', KEYS[2]), 0 } end

local stock = tonumber(redis.call('GET', KEYS[6]) or '0')
if stock <= 0 and redis.call('HLEN', KEYS[5]) == 0 then return { 'sold_out', 0, 0, 0 } end

local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[2], 'NX', seq, email)
redis.call('HDEL', KEYS[7], email)
return { 'queued', redis.call('ZRANK', KEYS[2], email) + 1, redis.call('ZCARD', KEYS[2]), 1 }
