--[[
  Shared by every sale script (inlined by the loader where a script says `--- @include "sale"`).
  Every script receives the same KEYS, in this order (see src/engine/keys.ts):
    1 meta      HASH   startsAt, endsAt (ms), initial, price, name, paused (1 while an admin paused it),
                       preQueue ('random' | 'fifo' | '': the sale's waiting room), and once the sale
                       opened: openedAt (ms), roomSize, roomMode (how its waiting room was placed)
    2 queue     ZSET   email -> arrival sequence (the FIFO queue)
    3 arrivals  STRING arrival sequence counter
    4 stock     STRING shadow stock: units neither held nor sold
    5 holds     HASH   email -> hold entry "token:expiresAtMs:arrival:state:leaseUntilMs"
                       state h = held, c = confirming (a confirm owns it until leaseUntilMs),
                       r = held, restored after Redis lost the sale (an earlier confirm of it may
                       have reached MongoDB, so its next confirm checks there first)
    6 paid      SET    buyers who paid
    7 outcome   HASH   email -> last outcome (purchased, expired, cancelled, sold_out, closed)
    8 grants    LIST   "token|email|arrival|atMs|mode|via", in grant order (audit, fairness);
                       mode normal | fastpass, via buy | workflow | dispatch
    9 grantSeq  STRING grant token counter
   10 left      LIST   "email|arrival|atMs|outcome": queued buyers who left without a unit
   11 waiting   ZSET   email -> ticket (from the arrival counter): the waiting room of a sale with a
                       preQueue, before it opens; emptied into the queue at the opening
  and ARGV[1] = the per-buyer hold key prefix "fsh:{saleId}:" (same hash slot as the keys).
]]
local META, QUEUE, ARRIVALS, STOCK, HOLDS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local PAID, OUTCOME, GRANTS, GRANT_SEQ, LEFT = KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local WAITING = KEYS[11]
local HOLD_PREFIX = ARGV[1]

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The sale's window at `now`: 'no_sale' | 'not_started' | 'open' | 'paused' | 'ended', and its
-- facts. A paused sale grants nothing; buyers may still join its queue and holders may still pay.
local function sale_window(now)
  local m = redis.call('HMGET', META, 'startsAt', 'endsAt', 'initial', 'price', 'paused', 'preQueue', 'openedAt')
  if not m[1] then return 'no_sale', nil end
  local sale = {
    startsAt = tonumber(m[1]), endsAt = tonumber(m[2]), initial = tonumber(m[3]), price = m[4],
    preQueue = (m[6] == 'random' or m[6] == 'fifo') and m[6] or nil, opened = m[7] ~= false,
  }
  if now < sale.startsAt then return 'not_started', sale end
  if now >= sale.endsAt then return 'ended', sale end
  if m[5] == '1' then return 'paused', sale end
  return 'open', sale
end

-- A uniform integer in [0, n) from the caller's seed: SHA-1 in counter mode over a 256-bit seed
-- drawn by the server's cryptographic random source (math.random is predictable and is not used).
-- 52 bits per draw, so every value is exact; draws past the largest multiple of n are rejected.
local function seeded_draw(seed, state, n)
  local span = 4503599627370496 -- 2^52
  local limit = span - (span % n)
  while true do
    state.counter = state.counter + 1
    local r = tonumber(string.sub(redis.sha1hex(seed .. ':' .. state.counter), 1, 13), 16)
    if r < limit then return r % n end
  end
end

-- The opening of the waiting room: at the first event after the start (a buy, a workflow step, the
-- dispatcher, the close), exactly once (openedAt marks it, in the same atomic step). Its buyers take
-- places 1..n of the queue, in a random order drawn from `seed` (preQueue random: being first in
-- the room gains nothing) or in their order of arrival (fifo). The room is one arrival moment: those
-- places are the buyers' arrival numbers from now on (what the grant log, the prefix rule and the
-- overtake count see), and everyone who joins after the opening arrives after all of them (the
-- arrival counter already passed every ticket). A sale without a room just records its opening.
local function open_if_due(now, sale, seed)
  if not sale or sale.opened or now < sale.startsAt then return end
  local members = redis.call('ZRANGE', WAITING, 0, -1)
  local n = #members
  local mode = sale.preQueue or (n > 0 and 'fifo') or ''
  if mode == 'random' then
    local state = { counter = 0 }
    for i = n, 2, -1 do -- Fisher-Yates
      local j = seeded_draw(seed, state, i) + 1
      members[i], members[j] = members[j], members[i]
    end
  end
  for i = 1, n, 500 do
    local args = {}
    for p = i, math.min(n, i + 499) do
      args[#args + 1] = p
      args[#args + 1] = members[p]
    end
    redis.call('ZADD', QUEUE, unpack(args))
  end
  redis.call('DEL', WAITING)
  redis.call('HSET', META, 'openedAt', now, 'roomSize', n, 'roomMode', mode)
  sale.opened = true
end

local function stock_now()
  return tonumber(redis.call('GET', STOCK) or '0')
end

local function hold_get(email)
  local raw = redis.call('HGET', HOLDS, email)
  if not raw then return nil end
  local token, expiresAt, arrival, state, lease = string.match(raw, '^(%d+):(%d+):(%d+):(%a):(%d+)$')
  local restored = state == 'r'
  if restored then state = 'h' end
  return { token = token, expiresAt = tonumber(expiresAt), arrival = arrival, state = state, lease = tonumber(lease), restored = restored }
end

local function hold_put(email, h)
  redis.call('HSET', HOLDS, email, h.token .. ':' .. h.expiresAt .. ':' .. h.arrival .. ':' .. h.state .. ':' .. h.lease)
end

-- Prefix rule: a buyer may be granted only while their 0-based rank in the queue is below the
-- free stock, so the granted buyers are always a prefix of the queue (nobody is overtaken).
-- Fast Pass (stock <= max(1, ceil(initial * pct / 100))): only the head.
local function may_grant(rank, stock, initial, fastPassPercent)
  if stock <= 0 or rank >= stock then return false, nil end
  local threshold = math.max(1, math.ceil(initial * fastPassPercent / 100))
  if stock <= threshold then return rank == 0, 'fastpass' end
  return true, 'normal'
end

-- Grants a hold to a queued buyer: the deadline never outlasts the sale.
local function grant(email, arrival, now, sale, holdTtlMs, graceMs, mode, via)
  local token = tostring(redis.call('INCR', GRANT_SEQ))
  local expiresAt = math.min(now + holdTtlMs, sale.endsAt)
  redis.call('DECR', STOCK)
  hold_put(email, { token = token, expiresAt = expiresAt, arrival = arrival, state = 'h', lease = 0 })
  redis.call('SET', HOLD_PREFIX .. email, token, 'PX', math.max(1, expiresAt - now) + graceMs)
  redis.call('ZREM', QUEUE, email)
  redis.call('RPUSH', GRANTS, token .. '|' .. email .. '|' .. arrival .. '|' .. now .. '|' .. mode .. '|' .. via)
  return token, expiresAt
end

-- Ends a hold that was not paid: the unit goes back to stock, the buyer's outcome is recorded.
local function drop_hold(email, token, outcome)
  redis.call('HDEL', HOLDS, email)
  if redis.call('GET', HOLD_PREFIX .. email) == token then redis.call('DEL', HOLD_PREFIX .. email) end
  redis.call('INCR', STOCK)
  redis.call('HSET', OUTCOME, email, outcome)
end

-- Takes a queued buyer out of the queue without a unit, and logs it for the fairness report.
local function leave_queue(email, now, outcome)
  local arrival = redis.call('ZSCORE', QUEUE, email)
  if not arrival then return false end
  redis.call('ZREM', QUEUE, email)
  redis.call('HSET', OUTCOME, email, outcome)
  redis.call('RPUSH', LEFT, email .. '|' .. arrival .. '|' .. now .. '|' .. outcome)
  return true
end

-- Takes a buyer out of the waiting room before the opening (their own choice: not logged as left).
local function leave_room(email, outcome)
  if redis.call('ZREM', WAITING, email) == 0 then return false end
  redis.call('HSET', OUTCOME, email, outcome)
  return true
end

-- Everything a buyer's answer shows, read in the same atomic step that changed it.
local function buyer_view(email, now)
  local rank = redis.call('ZRANK', QUEUE, email)
  local roomRank = redis.call('ZRANK', WAITING, email)
  local h = redis.call('HGET', HOLDS, email) or ''
  return {
    now, stock_now(), redis.call('HLEN', HOLDS), redis.call('ZCARD', QUEUE), redis.call('SCARD', PAID),
    redis.call('LLEN', GRANTS), rank and (rank + 1) or 0, h, redis.call('SISMEMBER', PAID, email),
    redis.call('HGET', OUTCOME, email) or '', roomRank and (roomRank + 1) or 0, redis.call('ZCARD', WAITING),
  }
end
