--[[
  leave: take a queued buyer out of the queue and record why. If the dispatcher promoted the buyer
  in the meantime, that hold is released in the same step so its unit is never stranded.
  KEYS[1] queue   KEYS[2] outcome   KEYS[3] holds   KEYS[4] stock   KEYS[5] hold key of this buyer
  ARGV[1] email   ARGV[2] outcome ('cancelled' | 'sold_out' | 'closed')
  Returns 0 (was not queued), 1 (left the queue) or 2 (a fresh hold was released as well).
]]
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if redis.call('HDEL', KEYS[3], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[5])
  redis.call('INCR', KEYS[4])
  return 2
end
return removed
