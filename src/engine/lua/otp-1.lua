--[[
  otp: a shopper's one-time sign-in code (src/server/auth/sign-in-codes.ts), issued and checked
  atomically against Redis's clock: a code is used at most once, and dies after its last wrong try
  even when many tries race.
  KEYS[1] the code's HASH (keys.ts signInCodeKey): hash, tries, state (live | used | dead), expiresAtMs
  ARGV[1] 'issue' | 'check'
  issue: ARGV[2] the code's HMAC   ARGV[3] ttlMs   ARGV[4] keepMs (how long the key outlives the code)
    Replaces any earlier code of this shopper. Returns { 'issued', expiresAtMs }.
  check: ARGV[2] the HMAC of the code given   ARGV[3] tries allowed
    Returns { status, triesLeft }, status one of:
      'ok'       the right code: it is used now (a second use hears 'used')
      'wrong'    not the code; triesLeft more tries before it dies
      'dead'     too many wrong tries (now or before): it no longer works
      'used'     already used to sign in
      'expired'  past its expiresAtMs
      'none'     no code was sent to this email (or it was long ago)
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

if ARGV[1] == 'issue' then
  local expires = now + tonumber(ARGV[3])
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'hash', ARGV[2], 'tries', 0, 'state', 'live', 'expiresAtMs', expires)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]))
  return { 'issued', expires }
end

local f = redis.call('HMGET', KEYS[1], 'hash', 'tries', 'state', 'expiresAtMs')
if not f[1] then return { 'none', 0 } end
if f[3] == 'used' then return { 'used', 0 } end
if f[3] == 'dead' then return { 'dead', 0 } end
if now >= tonumber(f[4]) then return { 'expired', 0 } end
if f[1] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'state', 'used')
  return { 'ok', 0 }
end
local left = tonumber(ARGV[3]) - redis.call('HINCRBY', KEYS[1], 'tries', 1)
if left <= 0 then
  redis.call('HSET', KEYS[1], 'state', 'dead')
  return { 'dead', 0 }
end
return { 'wrong', left }
