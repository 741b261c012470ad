--[[
  snapshot: one consistent view of a buyer (or, with an empty email, of the sale).
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email (may be '')
  Returns { nowMs, stock, holdsLive, queueSize, paidCount, grantsTotal, position, holdEntry, paid, outcome,
            roomPlace, roomSize } (roomPlace: 1-based place in the waiting room by arrival, 0 if not there)
]]
--- @include "sale"
return buyer_view(ARGV[2], now_ms())
