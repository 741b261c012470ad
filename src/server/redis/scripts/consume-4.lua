--[[
  consume: a paid hold becomes a sale (after the MongoDB decrement succeeded). Idempotent.
  KEYS[1] holds   KEYS[2] hold key of this buyer   KEYS[3] paid   KEYS[4] outcome
  ARGV[1] email   ARGV[2] token
  Returns 1 when this call consumed the hold, 0 when it was already consumed.
]]
local held = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], 'purchased')
if not held or string.match(held, '^(%d+):') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
