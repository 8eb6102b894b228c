-- Stores one event atomically (store_event, from store-event.lua), once per idempotency key.
-- KEYS[1] = the channel's meta hash (base, head), KEYS[2] = the channel's message sorted set,
-- KEYS[3] (optional) = the idempotency key's string: if it exists the event was stored before, and
-- its "id\nms" is returned without storing anything.
-- ARGV[1] = event, ARGV[2] = payload JSON, ARGV[3] = max messages kept (0 = no limit),
-- ARGV[4] = TTL of both keys in seconds, ARGV[5] = the pub/sub channel told "id channel" of every
-- stored event (other nodes wake their long polls), ARGV[6] = the channel's name.
if #KEYS >= 3 then
    local earlier = redis.call('GET', KEYS[3])
    if earlier then
        local cut = string.find(earlier, '\n', 1, true)
        return {string.sub(earlier, 1, cut - 1), string.sub(earlier, cut + 1)}
    end
end
local t = redis.call('TIME')
local ms = string.format('%.0f', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
local id = store_event(KEYS[1], KEYS[2], ms, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
if #KEYS >= 3 then
    redis.call('SET', KEYS[3], id .. '\n' .. ms, 'EX', ARGV[4])
end
return {id, ms}
