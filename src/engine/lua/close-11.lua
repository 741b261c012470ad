--[[
  close: at the sale's end, everyone still queued leaves without a unit (outcome closed, logged
  for the fairness report). Live holds are left to their workflows (their deadline is the end).
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] seed for the waiting room's draw (see buy-11.lua): a room
  that never opened is placed first, so its buyers leave the queue logged like everyone else
  Returns the buyers who left the queue (their workflows are woken to end now, not at a re-check).
]]
--- @include "sale"
local now = now_ms()
local _, sale = sale_window(now)
open_if_due(now, sale, ARGV[2])
local waiting = redis.call('ZRANGE', QUEUE, 0, -1)
for _, email in ipairs(waiting) do leave_queue(email, now, 'closed') end
return waiting
