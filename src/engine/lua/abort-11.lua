--[[
  abort: MongoDB refused a confirming hold for good (its stock is gone, the sale's window there says
  it was not open, or the buyer already bought with another hold), so the hold ends unpaid and its
  unit goes back. When MongoDB has no unit left, Redis stops granting (stock 0) instead of handing
  out units that cannot be paid for.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email   ARGV[3] token   ARGV[4] outcome ('sold_out' | 'closed' | 'purchased')
  Returns 1 when the hold was ended, 0 when it was not this confirming hold.
]]
--- @include "sale"
local email, token, outcome = ARGV[2], ARGV[3], ARGV[4]
local h = hold_get(email)
if not h or h.token ~= token or h.state ~= 'c' then return 0 end
drop_hold(email, token, outcome)
if outcome == 'sold_out' then redis.call('SET', STOCK, 0) end
if outcome == 'purchased' then redis.call('SADD', PAID, email) end
return 1
