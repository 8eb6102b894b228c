package dev.cable.edge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.rest.TcpProxy;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backend outage in the middle of live traffic, seen from outside: several publishers emit
 * through {@code POST /cable/publish}, a poller follows the cursor through {@code POST /cable/poll}
 * and a prober samples {@code /health/ready}, while the test cuts the backend's TCP proxy for a
 * measured time and restores it. Everything each client saw is recorded with its time, then
 * checked against the delivery contract (docs/protocol.md): every acknowledged event delivered
 * exactly once and in order, failures loud (503 + Retry-After, never 200 without an id), readiness
 * DOWN during and UP after, recovery without restart.
 *
 * <p>Violations are collected rather than thrown, so one run reports everything it saw.
 */
final class FaultDrill {

    static final int PUBLISHERS = 4;
    static final long RECOVERY_LIMIT_MILLIS = 30_000;
    /**
     * How soon a partition must show as readiness DOWN: the client libraries' timeouts the tests
     * configure (JDBC socketTimeout 5 s, Jedis 2 s; docs/install.md) plus a probe interval.
     */
    static final long PARTITION_DETECTION_LIMIT_MILLIS = 12_000;

    /** What one client request got, at what time. */
    record Sample(long atNanos, String kind, int status, String note) {
    }

    /** An event as the poller received it: its id and the tag ("publisher-n") in its payload. */
    record Delivered(long id, String tag) {
    }

    /** One publish attempt: the payload tag it carried and what came back. */
    record Attempt(String tag, int status, Long id, long atNanos) {
    }

    /** The outcome of one drill. */
    record Result(String backend, long outageMillis, int acknowledged, int delivered, int ambiguous,
                  int poll503, int publish503, int readyDown, long recoveredAfterMillis,
                  List<String> violations, List<String> timeline, List<String> ambiguities) {

        String line() {
            return "FAULTS " + backend + " outage=" + outageMillis + " acknowledged=" + acknowledged
                    + " delivered=" + delivered + " ambiguous=" + ambiguous + " 503s=" + (poll503 + publish503)
                    + " (polls=" + poll503 + " publishes=" + publish503 + ") readyDownSamples=" + readyDown
                    + " recoveredAfterMs=" + recoveredAfterMillis;
        }
    }

    /** A reply, or status -1 with the I/O error when the request itself failed. */
    record Reply(int status, String body, HttpResponse<String> raw, String error) {

        JsonObject json() {
            if (body == null || body.isBlank()) {
                return null;
            }
            try {
                JsonValue value = Json.createReader(new StringReader(body)).readValue();
                return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        String retryAfter() {
            return raw == null ? null : raw.headers().firstValue("Retry-After").orElse(null);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final TcpProxy proxy;
    private final String backend;
    private final AtomicInteger pollAddress = new AtomicInteger();
    /** A partition (no byte passes, nobody is told) instead of a cut (connections refused and reset). */
    private final boolean partition;

    FaultDrill(HttpClient http, URI base, String token, TcpProxy proxy, String backend) {
        this(http, base, token, proxy, backend, false);
    }

    private FaultDrill(HttpClient http, URI base, String token, TcpProxy proxy, String backend, boolean partition) {
        this.http = http;
        this.base = base;
        this.token = token;
        this.proxy = proxy;
        this.backend = backend;
        this.partition = partition;
    }

    /** The same drill with partitions instead of cuts. */
    FaultDrill partitioned() {
        return new FaultDrill(http, base, token, proxy, backend + "-partition", true);
    }

    // ---------------------------------------------------------------- HTTP

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null, null, "interrupted");
        } catch (Exception e) {
            return new Reply(-1, null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    Reply publish(String json) {
        return send(HttpRequest.newBuilder(base.resolve("cable/publish")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply poll(String json) {
        // an address of its own per poll: the drill polls faster than the rate limit allows one client
        int n = pollAddress.getAndIncrement();
        return send(HttpRequest.newBuilder(base.resolve("cable/poll")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "198.19." + (n >> 8 & 0xFF) + "." + (n & 0xFF))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply ready() {
        return send(HttpRequest.newBuilder(base.resolve("/health/ready")).timeout(Duration.ofSeconds(10))
                .GET().build());
    }

    static String quote(String s) {
        return Json.createValue(s).toString();
    }

    static String pollBody(String channel, Long cursor, double wait) {
        return "{\"channels\":{" + quote(channel) + ":" + cursor + "}" + (wait > 0 ? ",\"wait\":" + wait : "") + "}";
    }

    /** The channel's page of a 200 poll answer. */
    static JsonObject page(Reply reply, String channel) {
        JsonObject json = reply.json();
        return json == null ? null : json.getJsonObject("channels").getJsonObject(channel);
    }

    /** Publishes {@code count} events to the channel and answers their ids (fails on any non-200). */
    List<Long> publishSome(String channel, String event, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Reply reply = publish("{\"channel\":" + quote(channel) + ",\"event\":" + quote(event) + ",\"payload\":" + i + "}");
            if (reply.status() != 200) {
                throw new AssertionError("publish answered " + reply.status() + " " + reply.body() + reply.error());
            }
            ids.add(reply.json().getJsonNumber("id").longValue());
        }
        return ids;
    }

    /**
     * A cursor far below the channel's first id (older than anything retained) is answered with
     * {@code reset} and the oldest retained events, never an empty page that would hide the loss.
     */
    List<String> aCursorOlderThanTheHistoryGetsReset() {
        List<String> violations = new ArrayList<>();
        String channel = "faults:" + backend + ":old-cursor:" + UUID.randomUUID();
        List<Long> ids = publishSome(channel, "old", 3);
        long ancient = ids.get(0) - 1000;
        Reply reply = poll(pollBody(channel, ancient, 0));
        if (reply.status() != 200) {
            violations.add("a poll with an ancient cursor answered " + reply.status() + " " + reply.body());
            return violations;
        }
        JsonObject page = page(reply, channel);
        List<Long> got = page.getJsonArray("messages").stream()
                .map(v -> v.asJsonObject().getJsonNumber("id").longValue()).toList();
        if (!page.getBoolean("reset")) {
            violations.add("cursor " + ancient + " is older than the channel's first id " + ids.get(0)
                    + " but the answer has no reset: " + reply.body());
        }
        if (!got.equals(ids)) {
            violations.add("the reset page should carry the oldest retained events " + ids + ", got " + got);
        }
        if (page.getJsonNumber("lastId").longValue() != ids.get(2)) {
            violations.add("the reset page's lastId should be " + ids.get(2) + ": " + reply.body());
        }
        // and a cursor that is 0 is "from the start of the life": all three, no reset
        Reply fromZero = poll(pollBody(channel, 0L, 0));
        JsonObject zeroPage = fromZero.status() == 200 ? page(fromZero, channel) : null;
        if (zeroPage == null || zeroPage.getBoolean("reset") || zeroPage.getJsonArray("messages").size() != 3) {
            violations.add("a poll from 0 should deliver the three events without reset: " + fromZero.status() + " "
                    + fromZero.body());
        }
        return violations;
    }

    // ---------------------------------------------------------------- the drill

    Result run(long outageMillis) throws InterruptedException {
        String channel = "faults:" + backend + ":" + outageMillis + ":" + UUID.randomUUID();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        List<Delivered> received = Collections.synchronizedList(new ArrayList<>());

        Reply first = poll(pollBody(channel, null, 0));
        if (first.status() != 200) {
            violations.add("the first poll (before any fault) answered " + first.status() + " " + first.body());
            return new Result(backend, outageMillis, 0, 0, 0, 0, 0, 0, -1, violations, List.of(), List.of());
        }
        long startCursor = page(first, channel).getJsonNumber("lastId").longValue();

        AtomicBoolean stopPublishers = new AtomicBoolean();
        AtomicBoolean stopPoller = new AtomicBoolean();
        AtomicBoolean stopProber = new AtomicBoolean();
        AtomicLong cursorBox = new AtomicLong(startCursor);
        AtomicInteger emptyPollsAfterStop = new AtomicInteger();

        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            int publisher = p;
            publishers.add(thread("publisher-" + p, () -> {
                int n = 0;
                while (!stopPublishers.get()) {
                    String tag = publisher + "-" + n;
                    Reply reply = publish("{\"channel\":" + quote(channel) + ",\"event\":\"drill\",\"payload\":{\"p\":"
                            + publisher + ",\"n\":" + n + "}}");
                    long at = System.nanoTime();
                    n++;
                    Long id = null;
                    JsonObject json = reply.json();
                    if (reply.status() == 200) {
                        if (json == null || !(json.get("id") instanceof jakarta.json.JsonNumber number)) {
                            violations.add("publish " + tag + " answered 200 without an id: " + reply.body());
                        } else {
                            id = number.longValue();
                        }
                    } else {
                        if (json != null && json.containsKey("id")) {
                            violations.add("publish " + tag + " failed (" + reply.status() + ") yet carried an id: "
                                    + reply.body());
                        }
                        if (reply.status() == 503 && (json == null || !(json.get("error") instanceof jakarta.json.JsonString))) {
                            violations.add("publish " + tag + " answered 503 without the JSON error shape: " + reply.body());
                        }
                        if (reply.status() != 503) {
                            violations.add("publish " + tag + " answered " + reply.status()
                                    + " (expected 200, or 503 while the backend is away): "
                                    + (reply.error() != null ? reply.error() : reply.body()));
                        } else if (reply.retryAfter() == null) {
                            violations.add("publish " + tag + " answered 503 without Retry-After");
                        }
                    }
                    attempts.add(new Attempt(tag, reply.status(), id, at));
                    samples.add(new Sample(at, "publish", reply.status(), null));
                    sleep(reply.status() == 200 ? 15 : 100);
                }
            }));
        }

        Thread poller = thread("poller", () -> {
            long lastDelivered = -1;
            while (!stopPoller.get()) {
                Reply reply = poll(pollBody(channel, cursorBox.get(), 0.3));
                long at = System.nanoTime();
                samples.add(new Sample(at, "poll", reply.status(), null));
                if (reply.status() == 200) {
                    JsonObject page = page(reply, channel);
                    if (page.getBoolean("reset")) {
                        violations.add("a poll from cursor " + cursorBox.get() + " answered reset: " + reply.body());
                    }
                    var messages = page.getJsonArray("messages");
                    for (JsonValue v : messages) {
                        JsonObject m = v.asJsonObject();
                        long id = m.getJsonNumber("id").longValue();
                        JsonObject payload = m.getJsonObject("payload");
                        String tag = payload.getInt("p") + "-" + payload.getInt("n");
                        if (id <= lastDelivered) {
                            violations.add("delivered out of order or twice: id " + id + " after " + lastDelivered);
                        } else if (lastDelivered >= 0 && id != lastDelivered + 1) {
                            violations.add("a hole in the ids: " + lastDelivered + " then " + id);
                        }
                        lastDelivered = Math.max(lastDelivered, id);
                        received.add(new Delivered(id, tag));
                    }
                    cursorBox.set(page.getJsonNumber("lastId").longValue());
                    if (messages.isEmpty() && !page.getBoolean("more") && stopPublishers.get()) {
                        emptyPollsAfterStop.incrementAndGet();
                    }
                } else {
                    if (reply.status() == 503) {
                        JsonObject error = reply.json();
                        if (error == null || !(error.get("error") instanceof jakarta.json.JsonString)) {
                            violations.add("a poll answered 503 without the JSON error shape: " + reply.body());
                        }
                        String retryAfter = reply.retryAfter();
                        if (retryAfter == null || !retryAfter.matches("\\d+")) {
                            violations.add("a poll (wait 0.3 s) answered 503 without a numeric Retry-After ("
                                    + retryAfter + "): " + reply.body());
                        }
                    } else {
                        violations.add("a poll answered " + reply.status() + " (expected 200 or 503): "
                                + (reply.error() != null ? reply.error() : reply.body()));
                    }
                    // a real client honours Retry-After (5 s); the drill polls on to time the recovery
                    sleep(100);
                }
            }
        });

        Thread prober = thread("ready-prober", () -> {
            while (!stopProber.get()) {
                Reply reply = ready();
                String status = null;
                JsonObject json = reply.json();
                if (json != null && json.containsKey("status")) {
                    status = json.getString("status");
                }
                samples.add(new Sample(System.nanoTime(), "ready", reply.status(), status));
                if (reply.status() == 200 && !"UP".equals(status) || reply.status() == 503 && !"DOWN".equals(status)) {
                    violations.add("/health/ready answered " + reply.status() + " with status " + status);
                }
                if (reply.status() != 200 && reply.status() != 503) {
                    violations.add("/health/ready answered " + reply.status() + ": "
                            + (reply.error() != null ? reply.error() : reply.body()));
                }
                sleep(200);
            }
        });

        publishers.forEach(Thread::start);
        poller.start();
        prober.start();

        sleep(1500);
        long cutAt = System.nanoTime();
        if (partition) {
            proxy.stall();
        } else {
            proxy.cut();
        }
        sleep(outageMillis);
        proxy.restore();
        long restoredAt = System.nanoTime();

        long recoveredAt = -1;
        long deadline = restoredAt + RECOVERY_LIMIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (ok(samples, "publish", restoredAt) && ok(samples, "poll", restoredAt) && ok(samples, "ready", restoredAt)) {
                recoveredAt = System.nanoTime();
                break;
            }
            sleep(100);
        }
        long recoveredAfter = recoveredAt < 0 ? -1 : (recoveredAt - restoredAt) / 1_000_000;
        if (recoveredAt < 0) {
            violations.add("no recovery within " + RECOVERY_LIMIT_MILLIS + " ms of restoring the " + backend
                    + " connection (a successful publish, poll and readiness probe were all required)");
        } else {
            sleep(1000); // some traffic after the recovery
        }

        stopPublishers.set(true);
        for (Thread t : publishers) {
            t.join(30_000);
        }
        long maxAcked = attempts.stream().filter(a -> a.id() != null).mapToLong(Attempt::id).max().orElse(-1);
        long drainDeadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < drainDeadline
                && (recoveredAt < 0 ? false : cursorBox.get() < maxAcked || emptyPollsAfterStop.get() < 2)) {
            sleep(100);
        }
        stopPoller.set(true);
        poller.join(30_000);
        stopProber.set(true);
        prober.join(30_000);

        // ------------------------------------------------------------ what the clients saw
        List<Sample> all = new ArrayList<>(samples);
        all.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
        int poll503 = (int) all.stream().filter(s -> s.kind().equals("poll") && s.status() == 503).count();
        int publish503 = (int) all.stream().filter(s -> s.kind().equals("publish") && s.status() == 503).count();
        int readyDownDuring = (int) all.stream().filter(s -> s.kind().equals("ready") && s.status() == 503
                && s.atNanos() >= cutAt && s.atNanos() <= restoredAt).count();
        if (poll503 == 0) {
            violations.add("no poll got 503 during the " + outageMillis + " ms outage");
        }
        if (readyDownDuring == 0) {
            violations.add("/health/ready never went DOWN during the " + outageMillis + " ms outage");
        }
        long detectedAfter = all.stream().filter(s -> s.kind().equals("ready") && s.status() == 503 && s.atNanos() >= cutAt)
                .mapToLong(s -> (s.atNanos() - cutAt) / 1_000_000).findFirst().orElse(-1);
        System.out.println("FAULTS-DETECTED " + backend + " outage=" + outageMillis + " readyDownAfterMs=" + detectedAfter);
        if (partition && (detectedAfter < 0 || detectedAfter > PARTITION_DETECTION_LIMIT_MILLIS)) {
            violations.add("/health/ready went DOWN " + detectedAfter + " ms into the partition; the limit is "
                    + PARTITION_DETECTION_LIMIT_MILLIS + " ms");
        }
        boolean failedPublishDuring = all.stream().anyMatch(s -> s.kind().equals("publish") && s.status() != 200
                && s.atNanos() >= cutAt && s.atNanos() <= restoredAt);
        if (!failedPublishDuring) {
            violations.add("no publish failed during the " + outageMillis + " ms outage (were they all 200?)");
        }
        Sample lastReady = all.stream().filter(s -> s.kind().equals("ready")).reduce((a, b) -> b).orElse(null);
        if (lastReady == null || lastReady.status() != 200) {
            violations.add("/health/ready is not UP at the end: " + lastReady);
        }

        Map<String, Attempt> byTag = new HashMap<>();
        attempts.forEach(a -> byTag.put(a.tag(), a));
        Set<Long> acked = new HashSet<>();
        Map<Long, String> ackedTag = new HashMap<>();
        for (Attempt a : attempts) {
            if (a.id() != null) {
                if (!acked.add(a.id())) {
                    violations.add("two publishes were acknowledged with the same id " + a.id());
                }
                ackedTag.put(a.id(), a.tag());
            }
        }
        Map<Long, String> delivered = new LinkedHashMap<>();
        Set<String> deliveredTagSet = new HashSet<>();
        synchronized (received) {
            for (Delivered d : received) {
                if (delivered.put(d.id(), d.tag()) != null) {
                    violations.add("id " + d.id() + " delivered twice");
                }
                if (!deliveredTagSet.add(d.tag())) {
                    violations.add("event " + d.tag() + " delivered twice (under two ids)");
                }
            }
        }
        int ambiguous = 0;
        List<String> ambiguities = new ArrayList<>();
        List<Long> lost = new ArrayList<>();
        for (Long id : acked) {
            String tag = delivered.get(id);
            if (tag == null) {
                lost.add(id);
            } else if (!tag.equals(ackedTag.get(id))) {
                violations.add("id " + id + " was acknowledged for event " + ackedTag.get(id)
                        + " but delivered carrying event " + tag);
            }
        }
        if (!lost.isEmpty()) {
            Collections.sort(lost);
            violations.add(lost.size() + " acknowledged events were never delivered (200-and-lost), e.g. ids "
                    + lost.subList(0, Math.min(10, lost.size())));
        }
        for (Map.Entry<Long, String> d : delivered.entrySet()) {
            if (acked.contains(d.getKey())) {
                continue;
            }
            Attempt attempt = byTag.get(d.getValue());
            if (attempt == null) {
                violations.add("delivered event " + d.getValue() + " (id " + d.getKey() + ") was never published");
            } else if (attempt.status() == 200) {
                violations.add("delivered event " + d.getValue() + " has id " + d.getKey()
                        + " but its publish was acknowledged with id " + attempt.id());
            } else {
                ambiguous++; // its publish failed, but the write had landed: the client was told to retry
                ambiguities.add("event " + d.getValue() + " delivered as id " + d.getKey() + " although its publish "
                        + "answered " + attempt.status() + " at " + (attempt.atNanos() - cutAt) / 1_000_000
                        + " ms from the cut (the outage lasted " + (restoredAt - cutAt) / 1_000_000 + " ms)");
            }
        }
        Reply head = poll(pollBody(channel, null, 0));
        if (head.status() == 200) {
            long headId = page(head, channel).getJsonNumber("lastId").longValue();
            long lastSeen = delivered.keySet().stream().mapToLong(Long::longValue).max().orElse(startCursor);
            if (headId != lastSeen) {
                violations.add("the channel's head is " + headId + " but the poller's last event is " + lastSeen);
            }
        } else {
            violations.add("the final head poll answered " + head.status() + " " + head.body());
        }

        violations.addAll(crashes);
        crashes.clear();
        List<String> timeline = timeline(all, cutAt, restoredAt);
        return new Result(backend, outageMillis, acked.size(), delivered.size(), ambiguous, poll503, publish503,
                readyDownDuring, recoveredAfter, new ArrayList<>(violations), timeline, ambiguities);
    }

    /** A 200 (or readiness UP) seen after the given time. */
    private static boolean ok(ConcurrentLinkedQueue<Sample> samples, String kind, long after) {
        for (Sample s : samples) {
            if (s.kind().equals(kind) && s.status() == 200 && s.atNanos() > after) {
                return true;
            }
        }
        return false;
    }

    /** Status codes per kind in 1-second buckets, relative to the cut. */
    private static List<String> timeline(List<Sample> all, long cutAt, long restoredAt) {
        TreeMap<Long, Map<String, TreeMap<Integer, Integer>>> buckets = new TreeMap<>();
        for (Sample s : all) {
            long second = Math.floorDiv(s.atNanos() - cutAt, 1_000_000_000L);
            buckets.computeIfAbsent(second, k -> new TreeMap<>())
                    .computeIfAbsent(s.kind(), k -> new TreeMap<>())
                    .merge(s.status(), 1, Integer::sum);
        }
        long restoredSecond = (restoredAt - cutAt) / 1_000_000_000L;
        List<String> lines = new ArrayList<>();
        buckets.forEach((second, kinds) -> lines.add(String.format("  t=%+3ds %-9s publish=%s poll=%s ready=%s",
                second, second < 0 ? "before" : second <= restoredSecond ? "OUTAGE" : "after",
                kinds.getOrDefault("publish", new TreeMap<>()), kinds.getOrDefault("poll", new TreeMap<>()),
                kinds.getOrDefault("ready", new TreeMap<>()))));
        return lines;
    }

    private final List<String> crashes = Collections.synchronizedList(new ArrayList<>());

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                crashes.add(name + " crashed: " + e);
            }
        }, "fault-drill-" + name);
        t.setDaemon(true);
        return t;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs an outage per duration, prints each FAULTS line and timeline, then fails on any violation. */
    static void runDrills(FaultDrill drill, long... outages) throws InterruptedException {
        List<String> all = new ArrayList<>();
        for (long outage : outages) {
            Result result = drill.run(outage);
            System.out.println(result.line());
            System.out.println("FAULTS-TIMELINE " + result.backend() + " outage=" + outage
                    + " (status -> count per second, t relative to the cut)");
            result.timeline().forEach(System.out::println);
            result.ambiguities().forEach(a -> System.out.println("FAULTS-AMBIGUOUS " + result.backend() + " outage="
                    + outage + ": " + a));
            result.violations().forEach(v -> System.out.println("FAULTS-VIOLATION " + result.backend() + " outage="
                    + outage + ": " + v));
            result.violations().forEach(v -> all.add(result.backend() + " outage=" + outage + ": " + v));
            if (result.recoveredAfterMillis() < 0) {
                break; // no point in a second outage of a server that did not come back from the first
            }
        }
        assertTrue(all.isEmpty(), all.size() + " violation(s):\n" + String.join("\n", all.subList(0, Math.min(40, all.size()))));
    }
}
