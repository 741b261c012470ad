--[[
  release: end a hold that was not paid (expired or cancelled) and return its unit to stock.
  Only the hold with this token is released, so a late or repeated release is a no-op.
  KEYS[1] holds   KEYS[2] stock   KEYS[3] hold key of this buyer   KEYS[4] outcome   KEYS[5] queue
  ARGV[1] email   ARGV[2] token   ARGV[3] outcome ('expired' | 'cancelled' | 'closed')
  Returns 1 if a unit went back to stock, else 0.
]]
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held or string.match(held, '^(%d+):') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('ZREM', KEYS[5], ARGV[1])
return 1
