package dev.cable.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP endpoints as a client sees them (docs/protocol.md): poll, publish, every bad input, and
 * a Redis outage in the middle (through a proxy this test can cut).
 */
@ExtendWith(ArquillianExtension.class)
public class HttpEndpointsIT {

    static final String TOKEN = "it-secret-" + UUID.randomUUID();
    static final int MAX_PAYLOAD = 2048;
    static final String APP_ORIGIN = "https://app.example";
    static TcpProxy redisProxy;

    @ArquillianResource
    URL deployed;

    // HTTP/1.1 as browsers speak it to a plain-http server (the JDK client would try an h2c upgrade)
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;

    @Deployment(testable = false)
    public static WebArchive deployment() throws IOException {
        URI redis = URI.create(System.getProperty("cable.it.redis.uri", "redis://127.0.0.1:6379"));
        redisProxy = new TcpProxy(redis.getHost(), redis.getPort());
        Map<String, String> config = new LinkedHashMap<>(CableDeployment.redis("cable-http-" + System.nanoTime() + ":"));
        config.put("cable.redis.uri", "redis://127.0.0.1:" + redisProxy.port());
        config.put("cable.publish.token", TOKEN);
        config.put("cable.max-payload-bytes", Integer.toString(MAX_PAYLOAD));
        config.put("cable.max-request-bytes", "65536");
        config.put("cable.allowed-origins", APP_ORIGIN + ", null, *");
        config.put("cable.request-body.timeout", "PT4S");
        config.put("cable.rate-limit.forwarded", "true"); // the tricklers are an address of their own
        // the per-user limit as shipped (CableDeployment turns the limits off); the per-address one is
        // the edge contract's, these tests poll hard from one address
        config.put("cable.rate-limit.per-second", "20");
        config.put("cable.rate-limit.per-address", "100000");
        return CableDeployment.war(config, HeaderIdentity.class, TeamAuthorizer.class);
    }

    @BeforeEach
    void resolveBase() {
        // the injected URL names the machine's external address; the server also listens on loopback
        base = URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath());
    }

    /**
     * {@code cable.allowed-origins} holds an origin, {@code null} and {@code *}: the named origin is
     * echoed with credentials; any other gets {@code *} without them, so no web site reads what a
     * visitor's cookies open; {@code null} is never echoed, even listed.
     */
    @Test
    public void credentialsGoOnlyToOriginsListedByNameNeverToTheWildcardOrNull() throws Exception {
        for (String origin : List.of("https://evil.example", "null")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("cable/poll"))
                    .header("Content-Type", "application/json").header("Origin", origin)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"cors:any\":null}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), origin);
            assertEquals("*", answer.headers().firstValue("Access-Control-Allow-Origin").orElse(null), origin);
            assertTrue(answer.headers().firstValue("Access-Control-Allow-Credentials").isEmpty(), origin);
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(base.resolve("cable/presence/join"))
                    .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null), origin);
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Credentials").isEmpty(),
                    "a credentialed cross-site request is never let through: " + origin);
        }
        HttpResponse<String> app = http.send(HttpRequest.newBuilder(base.resolve("cable/poll"))
                .header("Content-Type", "application/json").header("Origin", APP_ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"cors:any\":null}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(APP_ORIGIN, app.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", app.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
    }

    /**
     * A user's presence info is at most cable.presence.max-info-bytes (1 KiB) and changes at most
     * cable.presence.info-changes-per-minute (10) times a minute per channel; joining again with the
     * same info is no change. Each change is a broadcast: before, 1,010 changing joins in 60 s were
     * all accepted.
     */
    @Test
    public void aUsersInfoChangesAreLimitedAndRepeatingItIsNot() throws Exception {
        String channel = fresh("info");
        String user = "info-" + UUID.randomUUID();
        java.util.function.Function<String, Answer> join = info -> {
            try {
                return send(HttpRequest.newBuilder(base.resolve("cable/presence/join")).header("Content-Type", "application/json")
                        .header(HeaderIdentity.HEADER, user).POST(HttpRequest.BodyPublishers.ofString(
                                "{\"channel\":" + quote(channel) + ",\"info\":" + info + "}")).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertEquals(413, join.apply("{\"bio\":\"" + "b".repeat(1100) + "\"}").status());
        int refused = 0;
        int lastAccepted = -1;
        for (int i = 0; i < 30; i++) {
            Answer a = join.apply("{\"n\":" + i + "}");
            if (a.status() == 429) {
                refused++;
                assertTrue(a.raw().headers().firstValue("Retry-After").isPresent());
            } else {
                assertEquals(200, a.status(), a.raw().body());
                lastAccepted = i;
            }
        }
        assertEquals(200, join.apply("{\"n\":" + lastAccepted + "}").status(), "the same info again is no change");
        assertTrue(refused >= 19, "30 info changes at once, at most 10 (and a trickle) accepted; refused " + refused);
        Answer again = join.apply("{\"n\":0}");
        assertEquals(429, again.status(), "an earlier info is a change too");
        long updates = poll(Map.of(channel, 0L)).getJsonObject(channel).getJsonArray("messages").size();
        assertTrue(updates <= 11, updates + " presence updates for one user's info");
    }

    /**
     * The per-user limit (cable.rate-limit.per-second, 20/s, bursts of 40) follows the signed-in
     * user across addresses; another user, and the same addresses without the user, are unaffected.
     */
    @Test
    public void aSignedInUserIsLimitedWhateverAddressTheyComeFrom() throws Exception {
        String user = "rate-" + UUID.randomUUID();
        int refused = 0;
        for (int i = 0; i < 150; i++) {
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(base.resolve("cable/poll"))
                    .header("Content-Type", "application/json").header(HeaderIdentity.HEADER, user)
                    .header("X-Forwarded-For", "203.0.113." + (i % 200))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"rate:user\":null}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (a.statusCode() == 429) {
                refused++;
                assertTrue(a.body().contains("per user"), a.body());
            }
        }
        // a bucket of 40 refilled at 20/s lets 40 + 20 per second through: 150 in a few seconds are not
        assertTrue(refused >= 30, "150 polls of one user from 150 addresses at once, refused " + refused);
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(base.resolve("cable/poll"))
                .header("Content-Type", "application/json").header(HeaderIdentity.HEADER, "another-" + user)
                .header("X-Forwarded-For", "203.0.113.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"rate:user\":null}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, other.statusCode(), "another user keeps their own budget");
    }

    /**
     * 300 connections from one address send a poll body one byte a second, more than the server has
     * request threads. That address reads at most cable.request-body.reads-per-address bodies (16)
     * at once: the rest get 429 at once, the 16 get 408 once cable.request-body.timeout (4 s here)
     * has passed, and polls from other addresses are answered meanwhile. Before, the node stalled
     * and polls waited 15 s.
     */
    @Test
    public void clientsTricklingTheirBodiesHoldAFewThreadsAndGet429Or408() throws Exception {
        List<java.net.Socket> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", base.getPort());
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("POST " + base.getPath() + "cable/poll HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "X-Forwarded-For: 192.0.2.200\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                tricklers.add(socket);
            }
            java.util.concurrent.atomic.AtomicBoolean trickling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread trickle = new Thread(() -> {
                while (trickling.get()) {
                    for (java.net.Socket socket : tricklers) {
                        try {
                            socket.getOutputStream().write(' ');
                            socket.getOutputStream().flush();
                        } catch (IOException closed) {
                            // answered and closed: nothing more to send
                        }
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            trickle.start();
            try {
                List<Long> took = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    long started = System.nanoTime();
                    poll(Map.of("trickle:normal", 0L));
                    took.add((System.nanoTime() - started) / 1_000_000);
                    Thread.sleep(200);
                }
                assertTrue(took.stream().allMatch(ms -> ms < 3000), "normal polls beside 300 tricklers took " + took + " ms");
                Map<String, Integer> statuses = new java.util.TreeMap<>();
                for (java.net.Socket socket : tricklers) {
                    String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII)).readLine();
                    statuses.merge(status == null ? "closed" : status.substring(0, Math.min(12, status.length())), 1, Integer::sum);
                }
                assertEquals(300, statuses.getOrDefault("HTTP/1.1 429", 0) + statuses.getOrDefault("HTTP/1.1 408", 0),
                        "every trickler answered 429 or 408: " + statuses);
                assertTrue(statuses.getOrDefault("HTTP/1.1 408", 0) <= 16, "at most 16 read at once: " + statuses);
            } finally {
                trickling.set(false);
                trickle.join(5000);
            }
        } finally {
            for (java.net.Socket socket : tricklers) {
                socket.close();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    record Answer(int status, JsonObject body, HttpResponse<String> raw) {
    }

    private Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject body = response.body().isEmpty() ? null
                : Json.createReader(new StringReader(response.body())).readObject();
        return new Answer(response.statusCode(), body, response);
    }

    private Answer post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private Answer publish(String json) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve("cable/publish")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private JsonObject poll(Map<String, Long> cursors) throws Exception {
        var channels = Json.createObjectBuilder();
        cursors.forEach((c, id) -> {
            if (id == null) {
                channels.addNull(c);
            } else {
                channels.add(c, id);
            }
        });
        Answer answer = post("cable/poll", Json.createObjectBuilder().add("channels", channels).build().toString());
        assertEquals(200, answer.status(), () -> answer.raw().body());
        return answer.body().getJsonObject("channels");
    }

    private long head(String channel) throws Exception {
        Map<String, Long> cursors = new HashMap<>();
        cursors.put(channel, null);
        return poll(cursors).getJsonObject(channel).getJsonNumber("lastId").longValue();
    }

    private static List<String> ids(JsonObject members) {
        return members.getJsonArray("users").stream().map(u -> u.asJsonObject().getString("id")).toList();
    }

    private static String fresh(String name) {
        return "http:" + name + ":" + UUID.randomUUID();
    }

    private static String quote(String s) {
        return Json.createValue(s).toString();
    }

    private void assertRejected(int status, Answer answer) {
        assertEquals(status, answer.status(), () -> answer.raw().body());
        assertTrue(answer.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertNotNull(answer.body(), "an error has a JSON body");
        assertFalse(answer.body().getString("error").isBlank());
        assertFalse(answer.raw().body().contains("Exception"), "no stack trace or class names leak");
    }

    // ---------------------------------------------------------------- poll and publish

    @Test
    public void publishedEventReachesAPollerOnceWithItsPayloadAndTimestamp() throws Exception {
        String channel = fresh("chat");
        long cursor = head(channel);
        Answer published = publish("{\"channel\":" + quote(channel)
                + ",\"event\":\"message:new\",\"payload\":{\"user\":\"alice\",\"text\":\"hi ✓\"}}");
        assertEquals(200, published.status(), () -> published.raw().body());
        long id = published.body().getJsonNumber("id").longValue();

        JsonObject page = poll(Map.of(channel, cursor)).getJsonObject(channel);
        assertEquals(1, page.getJsonArray("messages").size());
        JsonObject message = page.getJsonArray("messages").getJsonObject(0);
        assertEquals(id, message.getJsonNumber("id").longValue());
        assertEquals("message:new", message.getString("event"));
        assertEquals("hi ✓", message.getJsonObject("payload").getString("text"));
        assertNotNull(java.time.Instant.parse(message.getString("created_at")));
        assertEquals(id, page.getJsonNumber("lastId").longValue());
        assertFalse(page.getBoolean("more"));
        assertFalse(page.getBoolean("reset"));
        assertTrue(poll(Map.of(channel, id)).getJsonObject(channel).getJsonArray("messages").isEmpty());
    }

    @Test
    public void nullCursorStartsFromNowAndOnePollServesManyChannels() throws Exception {
        String a = fresh("a");
        String b = fresh("b");
        publish("{\"channel\":" + quote(a) + ",\"event\":\"old\",\"payload\":1}");
        Map<String, Long> cursors = new LinkedHashMap<>();
        cursors.put(a, null);
        cursors.put(b, null);
        JsonObject now = poll(cursors);
        assertTrue(now.getJsonObject(a).getJsonArray("messages").isEmpty(), "null means no history");
        assertEquals(0, now.getJsonObject(b).getJsonNumber("lastId").longValue());

        Answer both = publish("{\"messages\":[{\"channel\":" + quote(a) + ",\"event\":\"x\",\"payload\":\"for a\"},"
                + "{\"channel\":" + quote(b) + ",\"event\":\"y\",\"payload\":[1,2]}]}");
        assertEquals(2, both.body().getJsonArray("ids").size());
        JsonObject next = poll(Map.of(a, now.getJsonObject(a).getJsonNumber("lastId").longValue(), b, 0L));
        assertEquals("for a", next.getJsonObject(a).getJsonArray("messages").getJsonObject(0).getString("payload"));
        assertEquals(Json.createArrayBuilder().add(1).add(2).build(),
                next.getJsonObject(b).getJsonArray("messages").getJsonObject(0).get("payload"));
    }

    @Test
    public void manyPublishersAndAPollerOverHttpSeeEveryEventExactlyOnceInOrder() throws Exception {
        String channel = fresh("busy");
        int publishers = 8;
        int each = 150;
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            Thread t = new Thread(() -> {
                try {
                    for (int n = 0; n < each; n++) {
                        Answer a = publish("{\"channel\":" + quote(channel) + ",\"event\":\"n\",\"payload\":{\"p\":"
                                + publisher + ",\"n\":" + n + "}}");
                        assertEquals(200, a.status());
                        sent.add(a.body().getJsonNumber("id").longValue());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(t);
            t.start();
        }
        List<Long> received = new ArrayList<>();
        Map<Long, Integer> lastN = new HashMap<>();
        long cursor = 0;
        boolean done = false;
        int quiet = 0;
        while (!done) {
            boolean finished = threads.stream().noneMatch(Thread::isAlive);
            JsonObject page = poll(Map.of(channel, cursor)).getJsonObject(channel);
            assertFalse(page.getBoolean("reset"));
            for (JsonValue v : page.getJsonArray("messages")) {
                JsonObject m = v.asJsonObject();
                received.add(m.getJsonNumber("id").longValue());
                long p = m.getJsonObject("payload").getInt("p");
                int n = m.getJsonObject("payload").getInt("n");
                Integer previous = lastN.put(p, n);
                assertTrue(previous == null || previous < n, "publisher order kept");
            }
            cursor = page.getJsonNumber("lastId").longValue();
            // a node's known head may lag the store by up to a tick (a store read racing emits can
            // set it back; docs/scaling.md): "nothing new" twice, a tick apart, ends the loop
            quiet = finished && page.getJsonArray("messages").isEmpty() && !page.getBoolean("more") ? quiet + 1 : 0;
            done = quiet >= 2;
            if (quiet == 1) {
                Thread.sleep(500);
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        List<Long> expected = new ArrayList<>(sent);
        Collections.sort(expected);
        assertEquals(publishers * each, received.size());
        assertEquals(expected, received);
    }

    @Test
    public void aLongPollIsAnsweredAsSoonAsAnEventIsStored() throws Exception {
        String channel = fresh("long");
        long cursor = head(channel);
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return post("cable/poll", "{\"channels\":{" + quote(channel) + ":" + cursor + "},\"wait\":20}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(700);
        assertFalse(waiting.isDone(), "nothing new: the poll waits");
        long publishedAt = System.nanoTime();
        publish("{\"channel\":" + quote(channel) + ",\"event\":\"wake\",\"payload\":1}");
        Answer answer = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        long deliveredMillis = (System.nanoTime() - publishedAt) / 1_000_000;
        assertEquals(200, answer.status());
        assertEquals("wake", answer.body().getJsonObject("channels").getJsonObject(channel)
                .getJsonArray("messages").getJsonObject(0).getString("event"));
        assertTrue(deliveredMillis < 2000, "delivered " + deliveredMillis + " ms after the publish");
    }

    @Test
    public void theMinifiedClientIsServedGzippedUnderAVersionedNameThatCachesForAYear() throws Exception {
        String version = Json.createReader(new StringReader(java.nio.file.Files.readString(java.nio.file.Path.of("package.json"))))
                .readObject().getString("version");
        String path = "cable-client/" + version + "/cable.min.js";
        HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals("public, max-age=31536000, immutable", zipped.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(zipped.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(zipped.body().length <= 9 * 1024, "the budget: " + zipped.body().length + " bytes");
        String script = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(script.startsWith("/*! cable.js " + version), script.substring(0, 40));

        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode());
        assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
        assertEquals(script, plain.body());
        assertEquals(200, http.send(HttpRequest.newBuilder(base.resolve("cable.js")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "the plain script stays");
        for (String missing : List.of("cable-client/0.0.0-none/cable.min.js", "cable-client/" + version + "/cable.js",
                "cable-client/%2e%2e/%2e%2e/WEB-INF/web.xml", "cable-client/")) {
            assertEquals(404, http.send(HttpRequest.newBuilder(base.resolve(missing)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), missing);
        }
    }

    @Test
    public void aLongPollWithAFromNowCursorIsAnsweredAtOnceWithTheChannelsPosition() throws Exception {
        // The client needs the position before any event can be its first: a poll parked on "from
        // now" and woken by an event would hand over an event the client has no position for.
        String channel = fresh("from-now");
        String quiet = fresh("quiet-beside");
        long quietHead = head(quiet);
        publish("{\"channel\":" + quote(channel) + ",\"event\":\"old\",\"payload\":1}");
        long started = System.nanoTime();
        Answer answer = post("cable/poll", "{\"channels\":{" + quote(channel) + ":null," + quote(quiet) + ":"
                + quietHead + "},\"wait\":20}");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, answer.status());
        JsonObject page = answer.body().getJsonObject("channels").getJsonObject(channel);
        assertTrue(page.getJsonArray("messages").isEmpty(), "from now: no history");
        assertEquals(head(channel), page.getJsonNumber("lastId").longValue());
        assertTrue(tookMillis < 5000, "answered after " + tookMillis + " ms, not held for the wait");
    }

    @Test
    public void aLongPollWithNothingNewEndsEmptyAtItsWait() throws Exception {
        String channel = fresh("quiet");
        long cursor = head(channel);
        long started = System.nanoTime();
        Answer answer = post("cable/poll", "{\"channels\":{" + quote(channel) + ":" + cursor + "},\"wait\":1.5}");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, answer.status());
        JsonObject page = answer.body().getJsonObject("channels").getJsonObject(channel);
        assertTrue(page.getJsonArray("messages").isEmpty());
        assertEquals(cursor, page.getJsonNumber("lastId").longValue());
        assertTrue(tookMillis >= 1400 && tookMillis < 5000, "waited " + tookMillis + " ms");
        assertRejected(400, post("cable/poll", "{\"channels\":{\"a\":null},\"wait\":-1}"));
        assertRejected(400, post("cable/poll", "{\"channels\":{\"a\":null},\"wait\":\"5\"}"));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    public void everyMalformedPollIsA400WithAJsonError() throws Exception {
        String channel = fresh("bad");
        List<String> bodies = List.of("", "{", "not json", "[]", "42", "{}", "{\"channels\":5}",
                "{\"channels\":[]}", "{\"channels\":{}}", "{\"channels\":{\"a\":-1}}",
                "{\"channels\":{\"a\":1.5}}", "{\"channels\":{\"a\":\"7\"}}", "{\"channels\":{\"a\":true}}",
                "{\"channels\":{\"a\":{}}}", "{\"channels\":{\"a\":9007199254740992}}",
                "{\"channels\":{\"a\":1e400}}", "{\"channels\":{\"\":1}}",
                "{\"channels\":{\"" + "x".repeat(256) + "\":1}}", "{\"channels\":{\"a\\u0000b\":1}}",
                "{\"channels\":{\"a\\nb\":null}}", "{\"channels\":{\"\\ud800\":null}}",
                "{\"channels\":" + quote(channel) + "}");
        for (String body : bodies) {
            Answer answer = post("cable/poll", body);
            assertRejected(400, answer);
        }
    }

    @Test
    public void tooManyChannelsDeepNestingAndHugeBodiesAreRefused() throws Exception {
        var many = Json.createObjectBuilder();
        for (int i = 0; i < 51; i++) {
            many.addNull("c" + i);
        }
        assertRejected(400, post("cable/poll", Json.createObjectBuilder().add("channels", many).build().toString()));
        assertRejected(400, post("cable/poll", "{\"channels\":{\"a\":null},\"x\":" + "[".repeat(500) + "]".repeat(500) + "}"));
        String huge = "{\"channels\":{\"a\":null},\"pad\":\"" + "x".repeat(70_000) + "\"}";
        assertRejected(413, post("cable/poll", huge));
    }

    @Test
    public void wrongMethodOrContentTypeAnswersJsonErrors() throws Exception {
        assertRejected(415, send(HttpRequest.newBuilder(base.resolve("cable/poll")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"a\":null}}")).build()));
        assertRejected(415, send(HttpRequest.newBuilder(base.resolve("cable/poll"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("channels=a")).build()));
        assertRejected(405, send(HttpRequest.newBuilder(base.resolve("cable/poll")).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build()));
        // GET is the cacheable form for public channels: without a channel it is a 400, not a 405
        assertRejected(400, send(HttpRequest.newBuilder(base.resolve("cable/poll")).GET().build()));
        assertRejected(404, send(HttpRequest.newBuilder(base.resolve("cable/nothing-here")).GET().build()));
    }

    @Test
    public void publishNeedsTheBearerToken() throws Exception {
        String channel = fresh("auth");
        String body = "{\"channel\":" + quote(channel) + ",\"event\":\"e\",\"payload\":1}";
        assertRejected(401, post("cable/publish", body));
        assertRejected(401, send(HttpRequest.newBuilder(base.resolve("cable/publish"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer wrong")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        assertRejected(401, send(HttpRequest.newBuilder(base.resolve("cable/publish"))
                .header("Content-Type", "application/json").header("Authorization", "Basic " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        assertEquals(0, head(channel), "nothing stored");
    }

    @Test
    public void invalidPublishStoresNothingEvenWhenOtherMessagesWereValid() throws Exception {
        String channel = fresh("atomic");
        String good = "{\"channel\":" + quote(channel) + ",\"event\":\"ok\",\"payload\":1}";
        List<String> bad = List.of("{}", "{\"channel\":" + quote(channel) + "}",
                "{\"channel\":5,\"event\":\"e\"}", "{\"channel\":\"\",\"event\":\"e\"}",
                "{\"channel\":" + quote(channel) + ",\"event\":\"a\\u0001\"}",
                "{\"messages\":[]}", "{\"messages\":{}}", "{\"messages\":[" + good + ",5]}",
                "{\"messages\":[" + good + ",{\"channel\":" + quote(channel) + ",\"event\":\"\"}]}");
        for (String body : bad) {
            assertRejected(400, publish(body));
        }
        assertRejected(413, publish("{\"messages\":[" + good + ",{\"channel\":" + quote(channel)
                + ",\"event\":\"big\",\"payload\":\"" + "y".repeat(MAX_PAYLOAD) + "\"}]}"));
        assertEquals(0, head(channel), "a rejected request stores none of its messages");
    }

    // ---------------------------------------------------------------- presence

    private Answer presence(String action, String user, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("cable/presence/" + action))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (user != null) {
            request.header(HeaderIdentity.HEADER, user);
        }
        return send(request.build());
    }

    @Test
    public void theApplicationsOwnAuthorizerBeanOpensAPrivateChannelToItsUserOnly() throws Exception {
        String channel = TeamAuthorizer.PREFIX + "alice:" + UUID.randomUUID();
        String body = "{\"channels\":{" + quote(channel) + ":null}}";
        HttpRequest.Builder asAlice = HttpRequest.newBuilder(base.resolve("cable/poll"))
                .header("Content-Type", "application/json").header(HeaderIdentity.HEADER, "alice")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        HttpRequest.Builder asBob = HttpRequest.newBuilder(base.resolve("cable/poll"))
                .header("Content-Type", "application/json").header(HeaderIdentity.HEADER, "bob")
                .POST(HttpRequest.BodyPublishers.ofString(body));

        Answer alice = send(asAlice.build());
        assertEquals(200, alice.status(), () -> alice.raw().body());
        assertTrue(alice.body().getJsonObject("channels").containsKey(channel));
        assertRejected(403, send(asBob.build()));
        assertRejected(403, post("cable/poll", body));
    }

    @Test
    public void presenceEndpointsJoinListAndLeaveAsTheIdentifiedCaller() throws Exception {
        String channel = fresh("room");
        long cursor = head(channel);
        Answer joined = presence("join", "alice", "{\"channel\":" + quote(channel)
                + ",\"session\":\"tab-1\",\"info\":{\"name\":\"Alice\"}}");
        assertEquals(200, joined.status(), () -> joined.raw().body());
        assertEquals(1, joined.body().getInt("count"));
        presence("join", "bob", "{\"channel\":" + quote(channel) + "}");
        assertEquals(200, presence("heartbeat", "bob", "{\"channel\":" + quote(channel) + "}").status());

        Answer users = send(HttpRequest.newBuilder(base.resolve("cable/presence/users?channel="
                + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8))).GET().build());
        assertEquals(2, users.body().getInt("count"));
        assertEquals("Alice", users.body().getJsonArray("users").getJsonObject(0).getJsonObject("info").getString("name"));
        assertEquals("bob", users.body().getJsonArray("users").getJsonObject(1).getString("id"));

        assertEquals(2, users.body().getInt("version"));
        assertFalse(users.body().containsKey("next"));
        Answer first = post("cable/presence/users", "{\"channel\":" + quote(channel) + ",\"limit\":1}");
        assertEquals(List.of("alice"), ids(first.body()));
        assertEquals("alice", first.body().getString("next"));
        Answer second = post("cable/presence/users", "{\"channel\":" + quote(channel) + ",\"limit\":1,\"after\":\"alice\"}");
        assertEquals(List.of("bob"), ids(second.body()));
        assertFalse(second.body().containsKey("next"), "bob is the last");
        assertEquals(2, second.body().getInt("count"));
        for (String limit : List.of("0", "1001", "\"ten\"", "1.5")) {
            assertRejected(400, post("cable/presence/users", "{\"channel\":" + quote(channel) + ",\"limit\":" + limit + "}"));
        }
        assertRejected(400, send(HttpRequest.newBuilder(base.resolve("cable/presence/users?limit=-1&channel="
                + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8))).GET().build()));

        JsonObject page = poll(Map.of(channel, cursor)).getJsonObject(channel);
        assertEquals(2, page.getJsonArray("messages").size(), "two joins, the heartbeat is silent");
        assertEquals(2, page.getJsonArray("messages").getJsonObject(1).getJsonObject("payload").getInt("version"));
        assertEquals("presence:update", page.getJsonArray("messages").getJsonObject(1).getString("event"));
        assertEquals(200, presence("leave", "alice", "{\"channel\":" + quote(channel) + ",\"session\":\"tab-1\"}").status());
    }

    @Test
    public void presenceNeedsAnIdentifiedCallerAndRefusesAForgedUserId() throws Exception {
        String channel = fresh("guarded");
        assertRejected(401, presence("join", null, "{\"channel\":" + quote(channel) + "}"));
        assertRejected(403, presence("join", null, "{\"channel\":" + quote(channel) + ",\"user\":\"mallory\"}"));
        assertRejected(403, presence("join", "eve", "{\"channel\":" + quote(channel) + ",\"user\":\"alice\"}"));
        assertRejected(400, presence("join", "eve", "{\"channel\":\"\"}"));
        assertRejected(400, presence("join", "eve", "{\"channel\":" + quote(channel) + ",\"session\":5}"));
        assertRejected(400, presence("heartbeat", "eve", "[]"));
        assertRejected(400, send(HttpRequest.newBuilder(base.resolve("cable/presence/users")).GET().build()));
        assertEquals(0, head(channel), "nothing was broadcast");
    }

    // ---------------------------------------------------------------- outage

    @Test
    public void redisOutageGives503WithRetryAfterAndRecoversWithoutRestart() throws Exception {
        String channel = fresh("outage");
        long before = publish("{\"channel\":" + quote(channel) + ",\"event\":\"before\",\"payload\":1}")
                .body().getJsonNumber("id").longValue();
        URI ready = base.resolve("/health/ready");
        assertEquals(200, send(HttpRequest.newBuilder(ready).GET().build()).status());
        poll(Map.of(channel, before)); // this node now knows the channel's head

        redisProxy.cut();
        try {
            // a cursor behind the head needs the store
            Answer polled = post("cable/poll", "{\"channels\":{" + quote(channel) + ":" + (before - 1) + "}}");
            assertRejected(503, polled);
            // once the store failed, the node stops answering even at-head polls from memory
            assertRejected(503, post("cable/poll", "{\"channels\":{" + quote(channel) + ":" + before + "}}"));
            assertTrue(polled.raw().headers().firstValue("Retry-After").isPresent());
            assertRejected(503, publish("{\"channel\":" + quote(channel) + ",\"event\":\"during\",\"payload\":2}"));
            Answer health = send(HttpRequest.newBuilder(ready).GET().build());
            assertEquals(503, health.status());
            assertEquals("DOWN", health.body().getString("status"));
        } finally {
            redisProxy.restore();
        }

        long after = publish("{\"channel\":" + quote(channel) + ",\"event\":\"after\",\"payload\":3}")
                .body().getJsonNumber("id").longValue();
        JsonObject page = poll(Map.of(channel, before)).getJsonObject(channel);
        assertEquals(1, page.getJsonArray("messages").size(), "the failed publish stored nothing");
        assertEquals(after, page.getJsonArray("messages").getJsonObject(0).getJsonNumber("id").longValue());
        assertEquals(200, send(HttpRequest.newBuilder(ready).GET().build()).status());
    }
}
