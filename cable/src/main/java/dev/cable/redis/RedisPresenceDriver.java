package dev.cable.redis;

import dev.cable.Presence;
import dev.cable.PresenceChanged;
import dev.cable.PresenceDriver;
import dev.cable.PresenceMember;
import dev.cable.PresencePage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Presence in Redis: per channel a sorted set of sessions scored by expiry, a hash of announced
 * members and a hash of live-session counts, changed by one Lua script per operation (atomic, so
 * each join or leave is reported once, whichever node runs it). The same script stores the
 * channel's {@code presence:update} event ({@link #storesItsUpdates()}): done as a second step,
 * concurrent changes stored their snapshots in the opposite order in 2 of 4 rounds of twelve
 * users joining at once, so the last update a client held was not the truth, and a failing
 * broadcast left a change unannounced. A per-user set remembers channels for {@link #channelsOf}.
 */
@ApplicationScoped
@Typed(RedisPresenceDriver.class)
public class RedisPresenceDriver implements PresenceDriver {

    private static final RedisScript PRESENCE = RedisScript.loadStoringEvents("presence.lua");
    private static final RedisScript PAGE = RedisScript.load("presence-page.lua");

    @Inject
    RedisConnection redis;

    @Inject
    RedisCableDriver messages;

    @Override
    public boolean storesItsUpdates() {
        return true;
    }

    @Override
    public PresenceChanged touch(String channel, String userId, String sessionId, String info, Duration ttl) {
        return step(channel, "touch", userId, sessionId, ttl, info == null ? "" : info);
    }

    @Override
    public PresenceChanged leave(String channel, String userId, String sessionId, Duration grace) {
        return step(channel, sessionId == null ? "leave-all" : "leave", userId,
                sessionId == null ? "" : sessionId, grace, "");
    }

    @Override
    public PresenceChanged expire(String channel) {
        return step(channel, "expire", "", "", Duration.ZERO, "");
    }

    @Override
    public List<String> channelsToSweep(int limit) {
        long now = System.currentTimeMillis();
        RedisKeys keys = redis.keys();
        return redis.run("find expired presence", jedis -> {
            List<String> channels = new ArrayList<>();
            ScanParams params = new ScanParams().match(keys.presencePattern()).count(500);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                for (String key : page.getResult()) {
                    if (channels.size() < limit && !jedis.zrangeByScore(key, "-inf", Long.toString(now), 0, 1).isEmpty()) {
                        channels.add(keys.channelOfPresence(key));
                    }
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor) && channels.size() < limit);
            return channels;
        });
    }

    @Override
    public List<String> channelsOf(String userId) {
        RedisKeys keys = redis.keys();
        return redis.run("read a user's channels", jedis -> {
            List<String> present = new ArrayList<>();
            for (String channel : jedis.smembers(keys.userChannels(userId))) {
                if (jedis.hexists(keys.presenceMembers(channel), userId)) {
                    present.add(channel);
                } else {
                    jedis.srem(keys.userChannels(userId), channel);
                }
            }
            present.sort(Comparator.naturalOrder());
            return present;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public PresencePage members(String channel, String after, int limit) {
        RedisKeys keys = redis.keys();
        return redis.run("read presence", jedis -> {
            List<Object> result = (List<Object>) PAGE.run(jedis,
                    List.of(keys.presenceMembers(channel), keys.presenceIndex(channel), keys.presenceVersion(channel)),
                    List.of(after == null ? "" : after, Integer.toString(limit)));
            List<String> ids = (List<String>) result.get(0);
            List<String> infos = (List<String>) result.get(1);
            List<PresenceMember> page = new ArrayList<>();
            for (int i = 0; i < Math.min(limit, ids.size()); i++) {
                page.add(new PresenceMember(ids.get(i), infos.get(i).isEmpty() ? null : infos.get(i)));
            }
            String next = ids.size() > limit ? ids.get(limit - 1) : null;
            return new PresencePage(page, ((Long) result.get(2)).intValue(), (Long) result.get(3), next);
        });
    }

    @SuppressWarnings("unchecked")
    private PresenceChanged step(String channel, String op, String userId, String sessionId, Duration ttl,
                                 String info) {
        RedisKeys keys = redis.keys();
        return redis.run("change presence", jedis -> {
            List<Object> result = (List<Object>) PRESENCE.run(jedis,
                    List.of(keys.presenceSessions(channel), keys.presenceMembers(channel), keys.presenceCounts(channel),
                            keys.meta(channel), keys.messages(channel), keys.presenceVersion(channel),
                            keys.presenceIndex(channel)),
                    List.of(op, userId, sessionId, Long.toString(ttl.toMillis()), info, Instant.now().toString(),
                            messages.maxMessagesPerChannel(), messages.ttlSeconds(), keys.headsTopic(), channel,
                            Integer.toString(Presence.LISTED_MEMBERS), Integer.toString(Presence.LISTED_BYTES)));
            List<PresenceMember> joined = members((List<String>) result.get(0));
            List<String> left = (List<String>) result.get(1);
            List<PresenceMember> users = new ArrayList<>(members((List<String>) result.get(2)));
            users.sort(Comparator.comparing(PresenceMember::userId));
            List<PresenceMember> updated = members((List<String>) result.get(3));
            long version = (Long) result.get(5);
            int count = ((Long) result.get(6)).intValue();
            for (PresenceMember user : joined) {
                jedis.sadd(keys.userChannels(user.userId()), channel);
                jedis.expire(keys.userChannels(user.userId()), Math.max(60, ttl.toSeconds() * 4));
            }
            for (String user : left) {
                jedis.srem(keys.userChannels(user), channel);
            }
            return new PresenceChanged(channel, joined, left, updated, count, version, users);
        });
    }

    /** {@code [id, info, id, info, ...]} as members; an empty info is none. */
    private static List<PresenceMember> members(List<String> flat) {
        List<PresenceMember> members = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 2) {
            members.add(new PresenceMember(flat.get(i), flat.get(i + 1).isEmpty() ? null : flat.get(i + 1)));
        }
        return members;
    }
}
