-- One atomic presence step on a channel: drop expired sessions, apply the operation, report the
-- membership difference and, when membership or info changed, store the channel's presence:update
-- event in the same step. Two steps and their updates can then never be stored in opposite order
-- (the last update a client holds is the truth), and a step never stands without its update.
-- KEYS[1] = sessions (sorted set, member "user\nsession", score = expiry in ms)
-- KEYS[2] = members (hash user -> info JSON, the users announced as present)
-- KEYS[3] = counts (hash user -> number of live sessions)
-- KEYS[4] = the channel's meta hash, KEYS[5] = its message sorted set (as emit.lua)
-- KEYS[6] = the presence version (a counter: every change that is announced takes the next one)
-- KEYS[7] = index (sorted set of the members' ids, all scored 0, for paging in id order)
-- ARGV[1] = op: touch | leave | leave-all | expire
-- ARGV[2] = user, ARGV[3] = session, ARGV[4] = ttl or grace in ms, ARGV[5] = info JSON ('' = keep)
-- ARGV[6] = the update's timestamp (ISO-8601), ARGV[7] = max messages kept (0 = no limit),
-- ARGV[8] = TTL of the message keys in seconds, ARGV[9] = the heads pub/sub channel,
-- ARGV[10] = the channel's name, ARGV[11] = members listed in an update at most,
-- ARGV[12] = bytes of that list at most
-- Returns {joined {id, info, ...}, left {ids}, members {id, info, ...} (only while at most ARGV[11]),
-- updated {id, info, ...}, stored id or '0', version, count}. Nothing here reads the whole room
-- unless it is small: a join costs the same at 10,000 members as at ten.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local joined, left, updated = {}, {}, {}

local function userOf(member)
    return string.sub(member, 1, string.find(member, '\n', 1, true) - 1)
end

local function drop(member)
    redis.call('ZREM', KEYS[1], member)
    local user = userOf(member)
    if redis.call('HINCRBY', KEYS[3], user, -1) <= 0 then
        redis.call('HDEL', KEYS[3], user)
        if redis.call('HDEL', KEYS[2], user) == 1 then
            redis.call('ZREM', KEYS[7], user)
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
        redis.call('ZADD', KEYS[7], 0, user)
        table.insert(joined, user)
    elseif ARGV[5] ~= '' and redis.call('HGET', KEYS[2], user) ~= ARGV[5] then
        redis.call('HSET', KEYS[2], user, ARGV[5])
        table.insert(updated, user)
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

-- the keys live as long as the longest session, plus a minute for the sweeper to announce it; the
-- version outlives an empty room by the messages' TTL (a client holding an older version then sees
-- a gap, never a repeated number)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local keep = now + tonumber(ARGV[8]) * 1000
if #last == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[7])
else
    local at = tonumber(last[2]) + 60000
    for _, i in ipairs({1, 2, 3, 7}) do
        redis.call('PEXPIREAT', KEYS[i], string.format('%.0f', at))
    end
    keep = math.max(keep, at)
end
local version = tonumber(redis.call('GET', KEYS[6]) or '0')
local stored = '0'
local count = redis.call('HLEN', KEYS[2])
local members = {}
if count <= tonumber(ARGV[11]) then
    members = redis.call('HGETALL', KEYS[2])
end
local function withInfo(ids)
    local flat = {}
    for _, id in ipairs(ids) do
        table.insert(flat, id)
        table.insert(flat, redis.call('HGET', KEYS[2], id) or '')
    end
    return flat
end
local joinedInfo, updatedInfo = withInfo(joined), withInfo(updated)
if #joined > 0 or #left > 0 or #updated > 0 then
    version = redis.call('INCR', KEYS[6])
    -- {"version":v,"count":n,"timestamp":..,"joined":[ids],"left":[ids],"changed":[{id,info}],"users"?:[..]}
    -- as Presence.updatePayload; info is stored as JSON text already, ids are encoded by cjson
    local function member(id, info)
        return '{"id":' .. cjson.encode(id) .. ',"info":' .. (info ~= '' and info or 'null') .. '}'
    end
    local function list(values)
        local encoded = {}
        for _, v in ipairs(values) do
            table.insert(encoded, cjson.encode(v))
        end
        return '[' .. table.concat(encoded, ',') .. ']'
    end
    local changed = {}
    for i = 1, #joinedInfo, 2 do
        table.insert(changed, member(joinedInfo[i], joinedInfo[i + 1]))
    end
    for i = 1, #updatedInfo, 2 do
        table.insert(changed, member(updatedInfo[i], updatedInfo[i + 1]))
    end
    local payload = '{"version":' .. version .. ',"count":' .. count .. ',"timestamp":' .. cjson.encode(ARGV[6])
        .. ',"joined":' .. list(joined) .. ',"left":' .. list(left) .. ',"changed":[' .. table.concat(changed, ',') .. ']'
    if #members > 0 then
        local ids, info = {}, {}
        for i = 1, #members, 2 do
            table.insert(ids, members[i])
            info[members[i]] = members[i + 1]
        end
        table.sort(ids)
        local users = {}
        for _, id in ipairs(ids) do
            table.insert(users, member(id, info[id]))
        end
        local listed = '[' .. table.concat(users, ',') .. ']'
        if #listed <= tonumber(ARGV[12]) then
            payload = payload .. ',"users":' .. listed
        end
    end
    stored = store_event(KEYS[4], KEYS[5], string.format('%.0f', now), 'presence:update', payload .. '}',
        ARGV[7], ARGV[8], ARGV[9], ARGV[10])
end
if version > 0 then
    redis.call('PEXPIREAT', KEYS[6], string.format('%.0f', keep))
end
return {joinedInfo, left, members, updatedInfo, stored, version, count}
