-- One page of a channel's members with the room's count and presence version, read at once.
-- KEYS[1] = members (hash user -> info JSON), KEYS[2] = index (sorted set of ids, scored 0),
-- KEYS[3] = the presence version
-- ARGV[1] = the id to continue after ('' = from the first), ARGV[2] = page size
-- Returns {ids (one more than asked if another page follows), infos, count, version}.
if redis.call('ZCARD', KEYS[2]) ~= redis.call('HLEN', KEYS[1]) then
    -- members stored before the index existed: index them once
    redis.call('DEL', KEYS[2])
    for _, id in ipairs(redis.call('HKEYS', KEYS[1])) do
        redis.call('ZADD', KEYS[2], 0, id)
    end
    local ttl = redis.call('PTTL', KEYS[1])
    if ttl > 0 then
        redis.call('PEXPIRE', KEYS[2], ttl)
    end
end
local from = ARGV[1] == '' and '-' or '(' .. ARGV[1]
local ids = redis.call('ZRANGEBYLEX', KEYS[2], from, '+', 'LIMIT', 0, tonumber(ARGV[2]) + 1)
local infos = {}
if #ids > 0 then
    infos = redis.call('HMGET', KEYS[1], unpack(ids))
    for i = 1, #infos do
        if not infos[i] then
            infos[i] = ''
        end
    end
end
return {ids, infos, redis.call('HLEN', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0')}
