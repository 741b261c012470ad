--[[
  unlock: compare-and-delete, so only the lock's owner releases it (a lock that expired and was
  taken by someone else is left alone).
  KEYS[1] lock key
  ARGV[1] the owner's token
  Returns 1 when the lock was released, 0 when it was not ours.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
