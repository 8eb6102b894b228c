package dev.cable.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import dev.cable.rest.TcpProxy;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

/**
 * Redis cut in the middle of live traffic (through a TCP proxy only this test uses), then restored:
 * 503 + Retry-After and readiness DOWN during the outage, loud publish failures, recovery without a
 * restart, every acknowledged event delivered exactly once in order; plus the {@code reset} answers
 * for a cursor older than the history and for a cursor from before Redis lost the channel.
 * {@link MariaDbFaultsIT} runs the same drill on MariaDB ({@code -Dit.test='*FaultsIT'} runs both).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class FaultsIT {

    static final String TOKEN = "faults-" + UUID.randomUUID();
    static final String PREFIX = "cable-faults-" + System.nanoTime() + ":";
    static TcpProxy redisProxy;

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static URI redisUri() {
        return URI.create(System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
    }

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        URI redis = redisUri();
        redisProxy = new TcpProxy(redis.getHost(), redis.getPort());
        Map<String, String> config = new LinkedHashMap<>(CableDeployment.redis(PREFIX));
        config.put("cable.redis.uri", "redis://127.0.0.1:" + redisProxy.port());
        config.put("cable.publish.token", TOKEN);
        config.put("cable.rate-limit.per-second", "0");
        return CableDeployment.war(config);
    }

    private FaultDrill drill() {
        URI base = URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath());
        return new FaultDrill(http, base, TOKEN, redisProxy, "redis");
    }

    @Test
    @Order(1)
    public void aCursorOlderThanTheHistoryGetsReset() {
        List<String> violations = drill().aCursorOlderThanTheHistoryGetsReset();
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /**
     * Redis loses the channel (its keys deleted, as FLUSHALL or an expiry would): a client still
     * holding a cursor from the old life gets {@code reset} with the new life's events on its next
     * poll, instead of an empty page or a silently skipped event.
     */
    @Test
    @Order(2)
    public void aCursorFromBeforeRedisLostTheChannelGetsReset() {
        FaultDrill drill = drill();
        String channel = "faults:redis:lost:" + UUID.randomUUID();
        List<Long> old = drill.publishSome(channel, "old", 3);
        long cursor = old.get(2);
        FaultDrill.Reply atHead = drill.poll(FaultDrill.pollBody(channel, cursor, 0));
        assertEquals(200, atHead.status(), atHead.body());
        assertTrue(FaultDrill.page(atHead, channel).getJsonArray("messages").isEmpty());

        URI redis = redisUri();
        try (Jedis jedis = new Jedis(redis)) {
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

    @Test
    @Order(3)
    public void redisOutagesOf3And8SecondsDuringEmitsAndPolls() throws Exception {
        FaultDrill.runDrills(drill(), 3000, 8000);
    }
}
