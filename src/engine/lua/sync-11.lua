--[[
  sync: writes the sale's facts after an admin changed it, only where Redis has the sale. A sale
  Redis does not have must be rebuilt whole (src/engine/projection.ts), never half-written here.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2..] field, value, field, value, ... of the meta hash
  Returns 1 when written, 0 when the sale is missing.
]]
--- @include "sale"
if redis.call('EXISTS', META) == 0 then return 0 end
redis.call('HSET', META, unpack(ARGV, 2))
return 1
