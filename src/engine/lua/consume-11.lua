--[[
  consume: the last step of a confirm, after MongoDB recorded the order: the buyer has paid and the
  hold becomes a sale. Idempotent (a retry, or the workflow finishing a confirm, is a no-op).
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email   ARGV[3] token
  Returns 1 when this call ended the hold, 0 when it was already gone.
]]
--- @include "sale"
local email, token = ARGV[2], ARGV[3]
redis.call('SADD', PAID, email)
redis.call('HSET', OUTCOME, email, 'purchased')
local h = hold_get(email)
if not h or h.token ~= token then return 0 end
redis.call('HDEL', HOLDS, email)
redis.call('DEL', HOLD_PREFIX .. email)
return 1
