--[[
  buy: join the sale's FIFO queue (idempotent; the score is a per-sale sequence, so arrival order is
  strict) and make the buyer's first grant attempt (none while the sale is paused), in one atomic
  step. The answer comes from here. Before the start of a sale with a preQueue the buyer enters its
  waiting room instead (a ticket from the same sequence); the first buy after the start opens the
  room first (see open_if_due in includes/sale.lua), so latecomers queue behind everyone in it.
  KEYS: the sale's keys (see includes/sale.lua)
  ARGV[1] hold key prefix   ARGV[2] email   ARGV[3] holdTtlMs   ARGV[4] graceMs   ARGV[5] fastPassPercent
  ARGV[6] seed: 64 hex characters from a cryptographic random source, for the room's draw
  Returns { status, joinedNow, grantedNow, arrival, <buyer view> } (arrival and the view are there
  when status is held, confirming, queued or waiting; for waiting, arrival is the room ticket);
  status one of:
    'held' | 'confirming' | 'queued' | 'waiting' | 'paid' | 'sold_out' | 'not_started' | 'ended' | 'no_sale'
]]
--- @include "sale"
local email = ARGV[2]
local now = now_ms()
local window, sale = sale_window(now)
if window == 'not_started' and sale.preQueue then
  local ticket = redis.call('ZSCORE', WAITING, email)
  local joined = 0
  if not ticket then
    ticket = redis.call('INCR', ARRIVALS)
    redis.call('ZADD', WAITING, ticket, email)
    redis.call('HDEL', OUTCOME, email)
    joined = 1
  end
  return { 'waiting', joined, 0, ticket, unpack(buyer_view(email, now)) }
end
if window ~= 'open' and window ~= 'paused' then return { window, 0, 0 } end
open_if_due(now, sale, ARGV[6])
if redis.call('SISMEMBER', PAID, email) == 1 then return { 'paid', 0, 0 } end

local h = hold_get(email)
if h then return { h.state == 'c' and 'confirming' or 'held', 0, 0, h.arrival, unpack(buyer_view(email, now)) } end

local joined = 0
local stock = stock_now()
local rank = redis.call('ZRANK', QUEUE, email)
if not rank then
  if stock <= 0 and redis.call('HLEN', HOLDS) == 0 then return { 'sold_out', 0, 0 } end
  redis.call('ZADD', QUEUE, redis.call('INCR', ARRIVALS), email)
  redis.call('HDEL', OUTCOME, email)
  rank = redis.call('ZRANK', QUEUE, email)
  joined = 1
end

local allowed, mode = may_grant(rank, stock, sale.initial, tonumber(ARGV[5]))
local arrival = redis.call('ZSCORE', QUEUE, email)
if allowed and window == 'open' then
  grant(email, arrival, now, sale, tonumber(ARGV[3]), tonumber(ARGV[4]), mode, 'buy')
  return { 'held', joined, 1, arrival, unpack(buyer_view(email, now)) }
end
return { 'queued', joined, 0, arrival, unpack(buyer_view(email, now)) }
