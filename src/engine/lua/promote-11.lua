--[[
  promote (the dispatcher): grant holds to queue heads, in FIFO order, while stock lasts. The head is
  always allowed by the prefix rule and by Fast Pass, so this never overtakes anyone. Runs under the
  sale's dispatcher lock; the caller signals each promoted buyer's hold workflow.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] holdTtlMs   ARGV[3] graceMs   ARGV[4] fastPassPercent   ARGV[5] max
  ARGV[6] seed for the waiting room's draw (see buy-11.lua): the sale workflow's tick at the start
  runs this, so a sale with a waiting room opens on time even if nobody buys or steps
  Returns a flat list { email, token, expiresAtMs, arrival, email, token, expiresAtMs, arrival, ... }.
]]
--- @include "sale"
local now = now_ms()
local window, sale = sale_window(now)
open_if_due(now, sale, ARGV[6])
if window ~= 'open' then return {} end
local out = {}
local max = tonumber(ARGV[5])
while #out < max * 4 do
  local stock = stock_now()
  local head = redis.call('ZRANGE', QUEUE, 0, 0, 'WITHSCORES')
  if #head == 0 then break end
  local allowed, mode = may_grant(0, stock, sale.initial, tonumber(ARGV[4]))
  if not allowed then break end
  local token, expiresAt = grant(head[1], head[2], now, sale, tonumber(ARGV[2]), tonumber(ARGV[3]), mode, 'dispatch')
  out[#out + 1] = head[1]
  out[#out + 1] = token
  out[#out + 1] = tostring(expiresAt)
  out[#out + 1] = head[2]
end
return out
