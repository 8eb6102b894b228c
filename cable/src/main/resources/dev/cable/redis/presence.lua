-- One atomic presence step on a channel: drop expired sessions, apply the operation, report the
-- membership difference and, when membership or info changed, store the channel's presence:update
-- event in the same step. Two steps and their updates can then never be stored in opposite order
-- (the last update a client holds is the truth), and a step never stands without its update.
-- KEYS[1] = sessions (sorted set, member "user\nsession", score = expiry in ms)
-- KEYS[2] = members (hash user -> info JSON, the users announced as present)
-- KEYS[3] = counts (hash user -> number of live sessions)
-- KEYS[4] = the channel's meta hash, KEYS[5] = its message sorted set (as emit.lua)
-- ARGV[1] = op: touch | leave | leave-all | expire
-- ARGV[2] = user, ARGV[3] = session, ARGV[4] = ttl or grace in ms, ARGV[5] = info JSON ('' = keep)
-- ARGV[6] = the update's timestamp (ISO-8601), ARGV[7] = max messages kept (0 = no limit),
-- ARGV[8] = TTL of the message keys in seconds, ARGV[9] = the heads pub/sub channel,
-- ARGV[10] = the channel's name
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local joined, left = {}, {}
local infoChanged = '0'

local function userOf(member)
    return string.sub(member, 1, string.find(member, '\n', 1, true) - 1)
end

local function drop(member)
    redis.call('ZREM', KEYS[1], member)
    local user = userOf(member)
    if redis.call('HINCRBY', KEYS[3], user, -1) <= 0 then
        redis.call('HDEL', KEYS[3], user)
        if redis.call('HDEL', KEYS[2], user) == 1 then
            table.insert(left, user)
        end
    end
end

for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))) do
    drop(member)
end

local op = ARGV[1]
local user = ARGV[2]
if op == 'touch' then
    local field = user .. '\n' .. ARGV[3]
    local expires = string.format('%.0f', now + tonumber(ARGV[4]))
    if redis.call('ZADD', KEYS[1], expires, field) == 1 then
        redis.call('HINCRBY', KEYS[3], user, 1)
    end
    if redis.call('HEXISTS', KEYS[2], user) == 0 then
        redis.call('HSET', KEYS[2], user, ARGV[5])
        table.insert(joined, user)
    elseif ARGV[5] ~= '' and redis.call('HGET', KEYS[2], user) ~= ARGV[5] then
        redis.call('HSET', KEYS[2], user, ARGV[5])
        infoChanged = '1'
    end
elseif op == 'leave' or op == 'leave-all' then
    local deadline = now + tonumber(ARGV[4])
    local fields = {}
    if op == 'leave' then
        fields = {user .. '\n' .. ARGV[3]}
    else
        for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            if userOf(member) == user then
                table.insert(fields, member)
            end
        end
    end
    for _, field in ipairs(fields) do
        local score = redis.call('ZSCORE', KEYS[1], field)
        if score then
            if deadline <= now then
                drop(field)
            elseif tonumber(score) > deadline then
                redis.call('ZADD', KEYS[1], string.format('%.0f', deadline), field)
            end
        end
    end
end

-- the keys live as long as the longest session, plus a minute for the sweeper to announce it
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
else
    local at = string.format('%.0f', tonumber(last[2]) + 60000)
    for i = 1, 3 do
        redis.call('PEXPIREAT', KEYS[i], at)
    end
end
local members = redis.call('HGETALL', KEYS[2])
local stored = '0'
if #joined > 0 or #left > 0 or infoChanged == '1' then
    -- {"users":[{"id":..,"info":..}],"count":n,"timestamp":..,"joined":[ids],"left":[ids]}, users by id;
    -- info is stored as JSON text already, ids are encoded by cjson
    local ids, info = {}, {}
    for i = 1, #members, 2 do
        table.insert(ids, members[i])
        info[members[i]] = members[i + 1]
    end
    table.sort(ids)
    local users = {}
    for _, id in ipairs(ids) do
        local shown = info[id] ~= '' and info[id] or 'null'
        table.insert(users, '{"id":' .. cjson.encode(id) .. ',"info":' .. shown .. '}')
    end
    local function list(values)
        local encoded = {}
        for _, v in ipairs(values) do
            table.insert(encoded, cjson.encode(v))
        end
        return '[' .. table.concat(encoded, ',') .. ']'
    end
    local payload = '{"users":[' .. table.concat(users, ',') .. '],"count":' .. #ids
        .. ',"timestamp":' .. cjson.encode(ARGV[6]) .. ',"joined":' .. list(joined) .. ',"left":' .. list(left) .. '}'
    stored = store_event(KEYS[4], KEYS[5], string.format('%.0f', now), 'presence:update', payload,
        ARGV[7], ARGV[8], ARGV[9], ARGV[10])
end
return {joined, left, members, infoChanged, stored}
