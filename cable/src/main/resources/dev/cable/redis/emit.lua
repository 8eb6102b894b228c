-- Stores one event atomically: next id of the channel, ZADD, trim, expire.
-- KEYS[1] = the channel's meta hash (base, head), KEYS[2] = the channel's message sorted set,
-- KEYS[3] (optional) = the idempotency key's string: if it exists the event was stored before, and
-- its "id\nms" is returned without storing anything.
-- ARGV[1] = event, ARGV[2] = payload JSON, ARGV[3] = max messages kept (0 = no limit),
-- ARGV[4] = TTL of both keys in seconds, ARGV[5] = the pub/sub channel told "id channel" of every
-- stored event (other nodes wake their long polls), ARGV[6] = the channel's name.
-- Ids are kept as strings: Lua 5.1 would print a 16-digit number in exponent form.
if #KEYS >= 3 then
    local earlier = redis.call('GET', KEYS[3])
    if earlier then
        local cut = string.find(earlier, '\n', 1, true)
        return {string.sub(earlier, 1, cut - 1), string.sub(earlier, cut + 1)}
    end
end
local t = redis.call('TIME')
local ms = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
if redis.call('HSETNX', KEYS[1], 'base', ms .. '000') == 1 then
    -- a new life of the channel: ids continue from a base derived from the clock
    redis.call('HSET', KEYS[1], 'head', ms .. '000')
end
redis.call('HINCRBY', KEYS[1], 'head', 1)
local id = redis.call('HGET', KEYS[1], 'head')
redis.call('ZADD', KEYS[2], id, id .. '\n' .. ms .. '\n' .. ARGV[1] .. '\n' .. ARGV[2])
local max = tonumber(ARGV[3])
if max > 0 then
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -max - 1)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
if #KEYS >= 3 then
    redis.call('SET', KEYS[3], id .. '\n' .. ms, 'EX', ARGV[4])
end
redis.call('PUBLISH', ARGV[5], id .. ' ' .. ARGV[6])
return {id, ms}
