--[[
  step: what a buyer's hold workflow does next, decided against Redis in one atomic step. Called
  when the workflow starts, when it is woken (granted, confirmed, cancel) and when its timer fires.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email   ARGV[3] intent ('check' | 'cancel')   ARGV[4] holdTtlMs
  ARGV[5] graceMs   ARGV[6] fastPassPercent   ARGV[7] leaseMs   ARGV[8] recheckMs
  ARGV[9] seed for the waiting room's draw (see buy-11.lua); a step after the start opens the room
  ARGV[10] the buyer's arrival as their workflow knows it (ArrivalSeq: < 0 a waiting-room ticket), or ''
  Returns one of:
    { 'lost' }                            Redis lost the sale (restarted empty): wait for its restore
    { 'held', token, expiresAtMs, grantedNow, arrival }  wait for a signal or the deadline
    { 'confirming', token, leaseUntilMs } a confirm is in flight: wait for it, or for its lease to end
    { 'finish', token, atMs, price }      a confirm's owner died: the caller now owns it (lease renewed)
                                          and must finish the MongoDB step; atMs lies in the window
    { 'queued', position, wakeAtMs, arrival }  wait for a `granted` signal, or re-check at wakeAtMs
    { 'waiting', place, startsAtMs, ticket }   in the waiting room: sleep until the opening
    { 'released', outcome }               the hold ended unpaid (expired | closed | cancelled): its unit is back
    { 'done', outcome }                   nothing left to do: purchased | cancelled | sold_out | closed | ...
]]
--- @include "sale"
local email, intent = ARGV[2], ARGV[3]
local now = now_ms()
-- Nothing about this sale may be decided until it is restored (src/engine/projection.ts).
if redis.call('EXISTS', META) == 0 then return { 'lost' } end
if redis.call('SISMEMBER', PAID, email) == 1 then return { 'done', 'purchased' } end
local window, sale = sale_window(now)
open_if_due(now, sale, ARGV[9])

local h = hold_get(email)
if h then
  if h.state == 'c' then
    -- A cancel never takes over a confirm: once confirming, the unit is sold or released by it.
    if h.lease > now or intent == 'cancel' then return { 'confirming', h.token, h.lease } end
    h.lease = now + tonumber(ARGV[7])
    hold_put(email, h)
    return { 'finish', h.token, math.min(now, h.expiresAt - 1), redis.call('HGET', META, 'price') or '' }
  end
  if intent == 'cancel' then
    drop_hold(email, h.token, 'cancelled')
    return { 'released', 'cancelled' }
  end
  -- A hold ends with its time or with the sale (whose end an admin may have moved earlier).
  local endsAt = tonumber(redis.call('HGET', META, 'endsAt'))
  if now >= h.expiresAt or now >= endsAt then
    local outcome = now >= endsAt and 'closed' or 'expired'
    drop_hold(email, h.token, outcome)
    return { 'released', outcome }
  end
  return { 'held', h.token, h.expiresAt, 0, h.arrival }
end

local rank = redis.call('ZRANK', QUEUE, email)
local known = ARGV[10] ~= '' and tonumber(ARGV[10]) or nil
if not rank and known and intent ~= 'cancel' and (window == 'open' or window == 'paused' or window == 'not_started')
  and not redis.call('ZRANK', WAITING, email) and redis.call('HEXISTS', OUTCOME, email) == 0 then
  -- A running workflow Redis knows nothing of: a rebuild after an outage could not see it (it had
  -- just started). It goes back where it arrived, ahead of everyone after it.
  if known < 0 and not sale.opened then
    redis.call('ZADD', WAITING, -known, email)
  else
    redis.call('ZADD', QUEUE, math.abs(known), email)
    rank = redis.call('ZRANK', QUEUE, email)
  end
  if tonumber(redis.call('GET', ARRIVALS) or '0') < math.abs(known) then redis.call('SET', ARRIVALS, math.abs(known)) end
end
if not rank then
  local roomRank = redis.call('ZRANK', WAITING, email)
  if not roomRank then return { 'done', redis.call('HGET', OUTCOME, email) or 'closed' } end
  if intent == 'cancel' then
    leave_room(email, 'cancelled')
    return { 'done', 'cancelled' }
  end
  return { 'waiting', roomRank + 1, sale.startsAt, redis.call('ZSCORE', WAITING, email) }
end
if intent == 'cancel' then
  leave_queue(email, now, 'cancelled')
  return { 'done', 'cancelled' }
end
local arrival = redis.call('ZSCORE', QUEUE, email)
if window == 'not_started' then return { 'queued', rank + 1, sale.startsAt, arrival } end
if window == 'ended' or window == 'no_sale' then
  leave_queue(email, now, 'closed')
  return { 'done', 'closed' }
end
local stock = stock_now()
if stock <= 0 and redis.call('HLEN', HOLDS) == 0 then
  leave_queue(email, now, 'sold_out')
  return { 'done', 'sold_out' }
end
if window == 'paused' then return { 'queued', rank + 1, math.min(now + tonumber(ARGV[8]), sale.endsAt), arrival } end
local allowed, mode = may_grant(rank, stock, sale.initial, tonumber(ARGV[6]))
if allowed then
  local token, expiresAt = grant(email, arrival, now, sale, tonumber(ARGV[4]), tonumber(ARGV[5]), mode, 'workflow')
  return { 'held', token, expiresAt, 1, arrival }
end
return { 'queued', rank + 1, math.min(now + tonumber(ARGV[8]), sale.endsAt), arrival }
