package dev.cable.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import dev.cable.rest.TcpProxy;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/** The {@link EdgeContract} on the Redis driver, plus what only Redis can do: lose a channel's keys. */
@ExtendWith(ArquillianExtension.class)
public class RedisEdgeIT extends EdgeContract {

    static final String PREFIX = "cable-edge-" + System.nanoTime() + ":";
    static TcpProxy proxy;

    static URI redisUri() {
        return URI.create(System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
    }

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        URI redis = redisUri();
        proxy = new TcpProxy(redis.getHost(), redis.getPort());
        Map<String, String> config = CableDeployment.redis(PREFIX);
        config.put("cable.redis.uri", "redis://127.0.0.1:" + proxy.port());
        return deployment(config);
    }

    @Override
    protected TcpProxy backendProxy() {
        return proxy;
    }

    @Override
    protected String backend() {
        return "redis";
    }

    /**
     * Redis loses the channel (its keys deleted, as FLUSHALL or an expiry would): a client still
     * holding a cursor from the old life gets {@code reset} with the new life's events on its next
     * poll, instead of an empty page or a silently skipped event.
     */
    @Test
    @Order(3)
    public void aCursorFromBeforeRedisLostTheChannelGetsReset() {
        FaultDrill drill = drill();
        String channel = "faults:redis:lost:" + UUID.randomUUID();
        List<Long> old = drill.publishSome(channel, "old", 3);
        long cursor = old.get(2);
        FaultDrill.Reply atHead = drill.poll(FaultDrill.pollBody(channel, cursor, 0));
        assertEquals(200, atHead.status(), atHead.body());
        assertTrue(FaultDrill.page(atHead, channel).getJsonArray("messages").isEmpty());

        try (Jedis jedis = new Jedis(redisUri())) {
            long deleted = jedis.del(PREFIX + "{" + channel + "}:meta", PREFIX + "{" + channel + "}:messages");
            assertEquals(2, deleted, "both keys of the channel existed under the configured prefix");
        }
        List<Long> fresh = drill.publishSome(channel, "new", 2);
        assertTrue(fresh.get(0) > cursor, "the new life's ids " + fresh + " start above the old cursor " + cursor);

        FaultDrill.Reply next = drill.poll(FaultDrill.pollBody(channel, cursor, 0));
        assertEquals(200, next.status(), next.body());
        JsonObject page = FaultDrill.page(next, channel);
        List<Long> got = page.getJsonArray("messages").stream()
                .map(v -> v.asJsonObject().getJsonNumber("id").longValue()).toList();
        assertTrue(page.getBoolean("reset"), "a cursor from before the loss must get reset: " + next.body());
        assertEquals(fresh, got, "the reset page carries the new life's events");
        assertEquals(fresh.get(1), page.getJsonNumber("lastId").longValue());
    }
}
