package dev.cable.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import dev.cable.CableDeployment;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two Payara Micro nodes sharing one store, as behind a load balancer: an event emitted on node A
 * wakes a long poll on node B within the head tick, many publishers and pollers spread over both
 * nodes see every event exactly once, in order (MariaDB, Redis), and presence changes racing on both
 * nodes, timeouts included, leave every client holding exactly the store's member list (every
 * backend: H2 shared through its auto server, MariaDB, PostgreSQL, Redis).
 */
public class TwoNodesIT {

    static final String TOKEN = "two-nodes-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Presence settings short enough for timeouts to race joins within a round. */
    static final Duration PRESENCE_TIMEOUT = Duration.ofMillis(1000);

    private static Map<String, String> config(String store) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("cable.publish.token", TOKEN);
        config.put("cable.rate-limit.per-second", "0"); // the pollers all come from 127.0.0.1
        config.put("cable.request-body.reads-per-address", "0");
        config.put("cable.presence.client-user-id", "true");
        config.put("cable.presence.timeout", PRESENCE_TIMEOUT.toString());
        config.put("cable.presence.grace", "PT0.2S");
        config.put("cable.presence.sweep-interval", "PT0.5S");
        config.put("cable.presence.info-changes-per-minute", "100000");
        switch (store) {
            case "h2" -> {
                // one database file shared by both nodes: the first to open it serves it to the other
                config.put("cable.datasource.url", "jdbc:h2:file:" + Path.of("target", "two-nodes-h2-" + System.nanoTime(), "cable")
                        .toAbsolutePath() + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000");
            }
            case "mariadb", "postgresql" -> {
                Map<String, String> database = CableDeployment.database(store);
                config.put("cable.driver", "database");
                config.put("cable.datasource.class", database.get("cable.datasource.class"));
                config.put("cable.datasource.url", database.get("cable.datasource.url"));
            }
            case "redis" -> {
                config.put("cable.driver", "redis");
                config.put("cable.redis.uri", System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
                config.put("cable.redis.prefix", "cable-nodes-" + System.nanoTime() + ":");
            }
            default -> throw new IllegalArgumentException(store);
        }
        return config;
    }

    private JsonObject post(URI node, String path, String json, boolean publish) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(node.resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (publish) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private long publish(URI node, String channel, String payload) throws Exception {
        return post(node, "cable/publish", "{\"channel\":" + Json.createValue(channel) + ",\"event\":\"e\",\"payload\":"
                + payload + "}", true).getJsonNumber("id").longValue();
    }

    private JsonObject poll(URI node, String channel, Long cursor, double wait) throws Exception {
        String body = "{\"channels\":{" + Json.createValue(channel) + ":" + cursor + "},\"wait\":" + wait + "}";
        return post(node, "cable/poll", body, false).getJsonObject("channels").getJsonObject(channel);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "mariadb", "postgresql", "redis"})
    public void twoNodesBehaveAsOne(String store) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(List.of(System.getProperty("cable.it.nodes.stores",
                "h2,mariadb,postgresql,redis").split(",")).contains(store), "not asked for in cable.it.nodes.stores");
        Map<String, String> shared = config(store); // both nodes must use the same store and key prefix
        try (PayaraNode a = PayaraNode.start(store + "-a", shared);
             PayaraNode b = PayaraNode.start(store + "-b", shared)) {
            a.awaitReady(240);
            b.awaitReady(240);
            if (store.equals("mariadb") || store.equals("redis")) {
                anEventEmittedOnOneNodeWakesALongPollOnTheOther(store, a.base(), b.base());
                publishersAndPollersOnBothNodesSeeEveryEventOnceInOrder(a.base(), b.base());
            }
            new PresenceRounds(http, a.base(), b.base(), PRESENCE_TIMEOUT).run(store, 100);
        }
    }

    private void anEventEmittedOnOneNodeWakesALongPollOnTheOther(String store, URI a, URI b) throws Exception {
        String channel = "nodes:wake:" + UUID.randomUUID();
        long cursor = poll(b, channel, null, 0).getJsonNumber("lastId").longValue();
        List<Long> latencies = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long from = cursor;
            CompletableFuture<JsonObject> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return poll(b, channel, from, 20);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(400);
            assertFalse(waiting.isDone(), "node B holds the long poll");
            long sent = System.nanoTime();
            long id = publish(a, channel, Integer.toString(round));
            JsonObject page = waiting.get(10, TimeUnit.SECONDS);
            latencies.add((System.nanoTime() - sent) / 1_000_000);
            assertEquals(id, page.getJsonArray("messages").getJsonObject(0).getJsonNumber("id").longValue());
            cursor = page.getJsonNumber("lastId").longValue();
        }
        Collections.sort(latencies);
        System.out.println("TWO-NODES " + store + " wake latency A->B (ms, sorted): " + latencies);
        // a tick is 200 ms; the median proves the wake-up path, the bound tolerates a busy 2-core machine
        assertTrue(latencies.get(latencies.size() / 2) < 1000, "woken within about a tick, was " + latencies);
        if (store.equals("redis")) {
            // Redis pushes a notice of every emit (pub/sub): B wakes without waiting for its next tick,
            // whose wake-ups have a median of about 200 ms here
            assertTrue(latencies.get(latencies.size() / 2) < 100, "woken by the pub/sub notice, was " + latencies);
        }
        assertTrue(latencies.get(latencies.size() - 1) < 10_000, "never lost, was " + latencies);
    }

    private void publishersAndPollersOnBothNodesSeeEveryEventOnceInOrder(URI a, URI b) throws Exception {
        String channel = "nodes:busy:" + UUID.randomUUID();
        int publishers = 8;
        int each = 100;
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            URI node = p % 2 == 0 ? a : b;
            int publisher = p;
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < each; n++) {
                        sent.add(publish(node, channel, "{\"p\":" + publisher + ",\"n\":" + n + "}"));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
        }
        List<CompletableFuture<List<Long>>> pollers = new ArrayList<>();
        for (URI node : List.of(a, b, a, b)) {
            pollers.add(CompletableFuture.supplyAsync(() -> follow(node, channel, threads)));
        }
        Thread.sleep(300);
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(120_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        List<Long> expected = new ArrayList<>(sent);
        Collections.sort(expected);
        assertEquals(publishers * each, expected.size());
        for (CompletableFuture<List<Long>> poller : pollers) {
            assertEquals(expected, poller.get(120, TimeUnit.SECONDS), "every event once, in order");
        }
        System.out.println("TWO-NODES " + expected.size() + " events from 8 publishers over 2 nodes, 4 long-pollers");
    }

    /** Follows the channel with long polls until the publishers are done and nothing is left. */
    private List<Long> follow(URI node, String channel, List<Thread> publishers) {
        try {
            List<Long> received = new ArrayList<>();
            Map<Long, Integer> lastN = new HashMap<>();
            long cursor = 0;
            int quietAfterDone = 0;
            while (quietAfterDone < 2) {
                boolean done = publishers.stream().allMatch(t -> t.getState() == Thread.State.TERMINATED);
                JsonObject page = poll(node, channel, cursor, done ? 0.5 : 2);
                assertFalse(page.getBoolean("reset"));
                for (JsonValue v : page.getJsonArray("messages")) {
                    JsonObject m = v.asJsonObject();
                    received.add(m.getJsonNumber("id").longValue());
                    JsonObject payload = m.getJsonObject("payload");
                    Integer previous = lastN.put((long) payload.getInt("p"), payload.getInt("n"));
                    assertTrue(previous == null || previous < payload.getInt("n"), "publisher order kept");
                }
                cursor = page.getJsonNumber("lastId").longValue();
                quietAfterDone = done && page.getJsonArray("messages").isEmpty() && !page.getBoolean("more")
                        ? quietAfterDone + 1 : 0;
            }
            return received;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
