-- Removes, oldest first, the messages of one channel created before a cutoff.
-- KEYS[1] = the channel's message sorted set; ARGV[1] = cutoff (epoch ms); ARGV[2] = most to remove.
-- Members are "id\ncreatedMillis\nevent\npayload" and ids grow with time, so the old ones are a prefix.
local cutoff = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local removed = 0
while removed < budget do
    local batch = redis.call('ZRANGE', KEYS[1], 0, 99)
    if #batch == 0 then
        break
    end
    local old = 0
    for i, member in ipairs(batch) do
        local first = string.find(member, '\n', 1, true)
        local second = string.find(member, '\n', first + 1, true)
        if tonumber(string.sub(member, first + 1, second - 1)) < cutoff then
            old = i
        else
            break
        end
    end
    if old == 0 then
        break
    end
    redis.call('ZREMRANGEBYRANK', KEYS[1], 0, old - 1)
    removed = removed + old
    if old < #batch then
        break
    end
end
return removed
