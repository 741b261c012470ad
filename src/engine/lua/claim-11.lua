--[[
  claim: the first step of a confirm. Atomically moves the buyer's live, unexpired hold into the
  "confirming" state (from then on no release can take the unit back) and hands the caller a lease
  on it, or says why not. A confirming hold whose lease ended (its owner died) is taken over.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email   ARGV[3] leaseMs
  Returns { status, token, price, fresh, atMs, outcome }, status one of:
    'confirming'  the caller owns the confirm: fresh = 1 when it began now, 0 for a takeover (or a
                  hold restored after Redis lost it: an earlier confirm may have begun); atMs
                  is the moment it counts as made (within the hold and the sale window)
    'busy'        another confirm of this hold is in flight (atMs = its lease end)
    'paid' | 'queued' (in the queue or the waiting room) | 'expired' | 'ended' | 'none' (outcome = the buyer's last outcome)
    'lost'        Redis lost the sale (restarted empty): it must be restored first
]]
--- @include "sale"
local email = ARGV[2]
local now = now_ms()
if redis.call('EXISTS', META) == 0 then return { 'lost', '', '', 0, 0, '' } end
if redis.call('SISMEMBER', PAID, email) == 1 then return { 'paid', '', '', 0, 0, '' } end
local h = hold_get(email)
if not h then
  if redis.call('ZRANK', QUEUE, email) or redis.call('ZRANK', WAITING, email) then return { 'queued', '', '', 0, 0, '' } end
  return { 'none', '', '', 0, 0, redis.call('HGET', OUTCOME, email) or '' }
end
local window, sale = sale_window(now)
local price = sale and sale.price or ''
if h.state == 'c' then
  if h.lease > now then return { 'busy', h.token, '', 0, h.lease, '' } end
  h.lease = now + tonumber(ARGV[3])
  hold_put(email, h)
  return { 'confirming', h.token, price, 0, math.min(now, h.expiresAt - 1), '' }
end
if window ~= 'open' and window ~= 'paused' then return { 'ended', h.token, '', 0, 0, '' } end
if now >= h.expiresAt then return { 'expired', h.token, '', 0, 0, '' } end
h.state = 'c'
h.lease = now + tonumber(ARGV[3])
hold_put(email, h)
return { 'confirming', h.token, price, h.restored and 0 or 1, now, '' }
