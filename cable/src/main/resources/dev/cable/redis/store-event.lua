-- Shared by emit.lua and presence.lua (RedisScript puts it in front of them): stores one event of a
-- channel as the next id of its current life, trims to the cap, refreshes the keys' TTL and tells
-- every node "id channel". Ids are kept as strings: Lua 5.1 would print a 16-digit number in
-- exponent form. Returns the id.
-- meta = the channel's meta hash (base, head), messages = its message sorted set, ms = now in
-- milliseconds (a string), max = messages kept (0 = no limit), ttl = seconds, topic = the heads
-- pub/sub channel, channel = the channel's name.
local function store_event(meta, messages, ms, event, payload, max, ttl, topic, channel)
    if redis.call('HSETNX', meta, 'base', ms .. '000') == 1 then
        -- a new life of the channel: ids continue from a base derived from the clock
        redis.call('HSET', meta, 'head', ms .. '000')
    end
    redis.call('HINCRBY', meta, 'head', 1)
    local id = redis.call('HGET', meta, 'head')
    redis.call('ZADD', messages, id, id .. '\n' .. ms .. '\n' .. event .. '\n' .. payload)
    if tonumber(max) > 0 then
        redis.call('ZREMRANGEBYRANK', messages, 0, -tonumber(max) - 1)
    end
    redis.call('EXPIRE', meta, ttl)
    redis.call('EXPIRE', messages, ttl)
    redis.call('PUBLISH', topic, id .. ' ' .. channel)
    return id
end

