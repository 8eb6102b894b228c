package dev.cable.redis;

import dev.cable.CableDriver;
import dev.cable.CableMessage;
import dev.cable.ChannelState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis driver: per channel a hash with the id sequence and a sorted set of messages scored by
 * id, written by one Lua script per emit (atomic, so ids of a channel are gap-free and appear in
 * order). The sequence of a new channel life starts at a clock-derived base, so a cursor held across
 * a Redis restart or FLUSH is recognised ({@code reset}) instead of silently skipping events.
 */
@ApplicationScoped
@Typed(RedisCableDriver.class)
public class RedisCableDriver implements CableDriver {

    private static final RedisScript EMIT = RedisScript.loadStoringEvents("emit.lua");
    private static final RedisScript CLEANUP = RedisScript.load("cleanup.lua");
    private static final int CLEANUP_BUDGET = 1000;

    private RedisConnection redis;
    private RedisKeys keys;
    private String maxMessagesPerChannel;
    private String ttlSeconds;

    /** For CDI proxies only. */
    protected RedisCableDriver() {
    }

    @Inject
    public RedisCableDriver(RedisConnection redis,
                            @ConfigProperty(name = "cable.redis.max-messages-per-channel") int maxMessagesPerChannel,
                            @ConfigProperty(name = "cable.retention") Duration retention) {
        if (maxMessagesPerChannel < 0) {
            throw new IllegalArgumentException("cable.redis.max-messages-per-channel must be 0 or more");
        }
        this.redis = redis;
        this.keys = redis.keys();
        this.maxMessagesPerChannel = Integer.toString(maxMessagesPerChannel);
        // keys live as long as messages are retained (at least a minute), refreshed by every emit
        this.ttlSeconds = Long.toString(Math.max(60, retention.toSeconds()));
    }

    /** The cap of the channel's message set, as the scripts take it. */
    String maxMessagesPerChannel() {
        return maxMessagesPerChannel;
    }

    /** How long the channel's message keys live, in seconds, as the scripts take it. */
    String ttlSeconds() {
        return ttlSeconds;
    }

    /** Subscribes to the topic every emit script publishes to (see {@link RedisHeadWatcher}). */
    @Override
    public AutoCloseable watchHeads(BiConsumer<String, Long> onStored, ThreadFactory threads) {
        RedisHeadWatcher watcher = new RedisHeadWatcher(redis, keys.headsTopic(), onStored);
        threads.newThread(watcher).start();
        return watcher;
    }

    @Override
    public CableMessage emit(String channel, String event, String payload) {
        return emit(channel, event, payload, null);
    }

    /** The key's string is set in the same script (SET after the check, atomically). */
    @Override
    public CableMessage emit(String channel, String event, String payload, String idempotencyKey) {
        List<String> scriptKeys = idempotencyKey == null
                ? List.of(keys.meta(channel), keys.messages(channel))
                : List.of(keys.meta(channel), keys.messages(channel), keys.idempotency(channel, idempotencyKey));
        return redis.run("store an event", jedis -> {
            List<?> result = (List<?>) EMIT.run(jedis, scriptKeys,
                    List.of(event, payload, maxMessagesPerChannel, ttlSeconds, keys.headsTopic(), channel));
            long id = Long.parseLong((String) result.get(0));
            Instant createdAt = Instant.ofEpochMilli(Long.parseLong((String) result.get(1)));
            return new CableMessage(id, channel, event, payload, createdAt);
        });
    }

    @Override
    public ChannelState state(String channel) {
        return redis.run("read a channel", jedis -> {
            List<String> fields = jedis.hmget(keys.meta(channel), "base", "head");
            if (fields.get(0) == null || fields.get(1) == null) {
                return ChannelState.UNKNOWN;
            }
            return new ChannelState(Long.parseLong(fields.get(0)), Long.parseLong(fields.get(1)));
        });
    }

    /** One pipelined round trip. */
    @Override
    public Map<String, Long> heads(Collection<String> channels) {
        return redis.run("read channel heads", jedis -> {
            List<String> ordered = new ArrayList<>(channels);
            Pipeline pipeline = jedis.pipelined();
            List<Response<String>> replies = new ArrayList<>(ordered.size());
            for (String channel : ordered) {
                replies.add(pipeline.hget(keys.meta(channel), "head"));
            }
            pipeline.sync();
            Map<String, Long> heads = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                String head = replies.get(i).get();
                heads.put(ordered.get(i), head == null ? 0L : Long.parseLong(head));
            }
            return heads;
        });
    }

    @Override
    public List<CableMessage> read(String channel, long afterId, long upToId, int limit) {
        return redis.run("read messages", jedis -> {
            List<String> members = jedis.zrangeByScore(keys.messages(channel),
                    "(" + afterId, Long.toString(upToId), 0, limit);
            List<CableMessage> messages = new ArrayList<>(members.size());
            for (String member : members) {
                messages.add(parse(channel, member));
            }
            return messages;
        });
    }

    @Override
    public long cleanup(Duration olderThan) {
        String cutoff = Long.toString(Instant.now().minus(olderThan).toEpochMilli());
        return redis.run("clean up", jedis -> {
            long removed = 0;
            ScanParams params = new ScanParams().match(keys.messagesPattern()).count(500);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                for (String key : page.getResult()) {
                    long n;
                    do {
                        n = ((Number) CLEANUP.run(jedis, List.of(key),
                                List.of(cutoff, Integer.toString(CLEANUP_BUDGET)))).longValue();
                        removed += n;
                    } while (n == CLEANUP_BUDGET);
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
            return removed;
        });
    }

    @Override
    public void ping() {
        redis.run("answer a ping", Jedis::ping);
    }

    @Override
    public String describe() {
        return "redis (" + redis.describe() + ")";
    }

    static CableMessage parse(String channel, String member) {
        int first = member.indexOf('\n');
        int second = member.indexOf('\n', first + 1);
        int third = member.indexOf('\n', second + 1);
        return new CableMessage(Long.parseLong(member.substring(0, first)), channel,
                member.substring(second + 1, third), member.substring(third + 1),
                Instant.ofEpochMilli(Long.parseLong(member.substring(first + 1, second))));
    }
}
