package dev.cable.edge;

import dev.cable.edge.FuzzCases.Case;
import dev.cable.edge.FuzzCases.Expect;
import dev.cable.edge.FuzzCases.Stored;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the seeded {@link FuzzCases} to a running server, checks every answer against what the case
 * expects, then checks the store (what valid requests stored, and nothing for the invalid ones) and
 * readiness. Violations are collected by category, so one run reports everything it saw.
 */
final class FuzzRunner {

    /** A safety net against a hung server, not a target: a run takes well under a minute. */
    static final long BUDGET_MILLIS = 180_000;

    /** Numbers the client addresses the requests come from, one per request (see {@link #send}). */
    private final AtomicInteger address = new AtomicInteger();

    final URI base;
    final String token;
    final long seed;
    final int requests;
    final FuzzCases cases;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final AtomicInteger executed = new AtomicInteger();
    final Map<String, Integer> byEndpoint = new ConcurrentHashMap<>();
    final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    final Map<String, Map<Integer, Integer>> byFamily = new ConcurrentHashMap<>();
    final Map<String, Map<Integer, Integer>> lenient = new ConcurrentHashMap<>();
    final Map<String, java.util.concurrent.atomic.AtomicLong> familyMillis = new ConcurrentHashMap<>();
    final Map<String, List<String>> violations = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> violationCounts = new ConcurrentHashMap<>();
    final Map<String, String> untouched = new ConcurrentHashMap<>(); // channel -> family of its request
    final Map<String, List<Object[]>> stored = new ConcurrentHashMap<>(); // channel -> [Stored, id]
    int verificationRequests;
    long tookMillis;

    FuzzRunner(URI base, String token, long seed, int requests, String run) {
        this.base = base;
        this.token = token;
        this.seed = seed;
        this.requests = requests;
        this.cases = new FuzzCases(seed, token, run);
    }

    record Answer(int status, String contentType, String body, String error) {
    }

    void run() throws Exception {
        long started = System.nanoTime();
        long deadline = started + BUDGET_MILLIS * 1_000_000;
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                    Case c;
                    try {
                        c = cases.at(i);
                    } catch (RuntimeException e) {
                        violation("generator-crash", "case " + i + ": " + e);
                        continue;
                    }
                    long sent = System.nanoTime();
                    Answer answer = send(c);
                    familyMillis.computeIfAbsent(c.family, f -> new java.util.concurrent.atomic.AtomicLong())
                            .addAndGet((System.nanoTime() - sent) / 1_000_000);
                    executed.incrementAndGet();
                    try {
                        check(c, answer);
                    } catch (RuntimeException e) {
                        violation("check-crash[" + c.family + "]", describe(c, answer) + " -> " + e);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(BUDGET_MILLIS + 60_000, TimeUnit.MILLISECONDS);
        tookMillis = (System.nanoTime() - started) / 1_000_000;
        verifyStored();
        verifyUntouched();
        Answer ready = send("GET", base.resolve("/health/ready"), Map.of(), null, false);
        if (ready.status() != 200 || !ready.body().contains("\"UP\"")) {
            violation("not-ready-at-the-end", ready.status() + " " + ready.body());
        }
    }

    Answer send(Case c) {
        return send(c.method, URI.create(base + c.path), c.headers, c.body, c.chunked);
    }

    Answer send(String method, URI uri, Map<String, String> headers, byte[] body, boolean chunked) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
            headers.forEach(request::header);
            // every request from an address of its own: the fuzz is about input, not the rate limit
            int n = address.getAndIncrement();
            request.header("X-Forwarded-For", "198.18." + (n >> 8 & 0xFF) + "." + (n & 0xFF));
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body);
            request.method(method, publisher);
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    new String(response.body(), StandardCharsets.UTF_8), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, "", "", "interrupted");
        } catch (Exception e) {
            return new Answer(-1, "", "", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------ checks of one answer

    void check(Case c, Answer a) {
        byEndpoint.merge(c.endpoint, 1, Integer::sum);
        statuses.merge(a.status(), 1, Integer::sum);
        byFamily.computeIfAbsent(c.family, f -> new ConcurrentHashMap<>()).merge(a.status(), 1, Integer::sum);
        if (c.expect == Expect.EITHER) {
            String why = c.family.equals("mutated") ? "random byte mutation" : String.valueOf(c.lenientWhy);
            lenient.computeIfAbsent(why, f -> new ConcurrentHashMap<>()).merge(a.status(), 1, Integer::sum);
        }
        String f = "[" + c.family + "]";
        if (a.status() < 0) {
            violation("no-answer" + f, describe(c, a));
            return;
        }
        if (a.status() >= 500) {
            violation("status-" + a.status() + f, describe(c, a));
        } else if (c.expect == Expect.OK && a.status() != 200) {
            violation("valid-request-refused" + f, describe(c, a));
        } else if (c.expect == Expect.REJECT && (a.status() < 400 || a.status() >= 500)) {
            violation("invalid-request-accepted" + f, describe(c, a));
        } else if (c.expect == Expect.EITHER && a.status() != 200 && (a.status() < 400 || a.status() >= 500)) {
            violation("neither-200-nor-4xx" + f, describe(c, a));
        } else if (c.exactStatus != 0 && a.status() != c.exactStatus) {
            violation("wrong-status-expected-" + c.exactStatus + f, describe(c, a));
        }
        if (c.expect == Expect.REJECT) {
            c.untouched.forEach(ch -> untouched.put(ch, c.family + " case " + c.index));
        }
        if (a.status() >= 400) {
            String problem = errorShapeProblem(a);
            if (problem != null) {
                violation("error-shape" + f, problem + ": " + describe(c, a));
            }
            return;
        }
        if (a.status() != 200) {
            return;
        }
        JsonObject json = object(a.body());
        if (!a.contentType().startsWith("application/json") || json == null) {
            violation("bad-200-body" + f, describe(c, a));
            return;
        }
        if (c.expect == Expect.OK) {
            String problem = switch (c.endpoint) {
                case "poll", "get-poll" -> pollProblem(c, json);
                case "publish" -> publishProblem(c, json);
                case "join", "heartbeat", "leave", "users" -> presenceProblem(c, json);
                default -> null;
            };
            if (problem != null) {
                violation("wrong-200-answer" + f, problem + ": " + describe(c, a));
            }
        }
    }

    static String errorShapeProblem(Answer a) {
        if (!a.contentType().startsWith("application/json")) {
            return "Content-Type " + a.contentType() + " instead of application/json";
        }
        JsonObject json = object(a.body());
        if (json == null || !(json.get("error") instanceof JsonString error) || error.getString().isBlank()) {
            return "not {\"error\": \"...\"}";
        }
        for (String leak : List.of("Exception", "at dev.", "at org.", "at java.", "\tat ")) {
            if (a.body().contains(leak)) {
                return "the error leaks '" + leak.strip() + "'";
            }
        }
        return null;
    }

    static JsonObject object(String body) {
        try {
            JsonValue value = Json.createReader(new StringReader(body)).readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Fresh channels: empty pages; lastId 0; reset only for a cursor above 0 (ahead of the head). */
    static String pollProblem(Case c, JsonObject json) {
        if (!(json.get("channels") instanceof JsonObject channels)) {
            return "no \"channels\" object";
        }
        // A refused name is echoed as the JSON answer can spell it: a lone surrogate, say, cannot be
        // written in UTF-8, so refused entries are matched by count and status, valid ones by name.
        java.util.Set<String> pages = new java.util.HashSet<>();
        List<Integer> errors = new ArrayList<>();
        for (Map.Entry<String, JsonValue> entry : channels.entrySet()) {
            if (c.eitherChannels.contains(entry.getKey())) {
                continue;
            }
            JsonObject value = entry.getValue().asJsonObject();
            if (value.get("error") instanceof JsonObject error) {
                if (error.getString("message", "").isBlank() || value.containsKey("messages")) {
                    return "a refused channel's entry: " + value;
                }
                errors.add(error.getInt("status", 0));
            } else {
                pages.add(entry.getKey());
            }
        }
        List<Integer> refusedStatuses = new ArrayList<>(c.refusedChannels.values());
        java.util.Collections.sort(errors);
        java.util.Collections.sort(refusedStatuses);
        if (!pages.equals(c.polled.keySet()) || !errors.equals(refusedStatuses)) {
            return "pages " + pages + " and errors " + errors + " but asked for " + c.polled.keySet() + " and refused "
                    + c.refusedChannels;
        }
        for (Map.Entry<String, Long> asked : c.polled.entrySet()) {
            JsonObject page = channels.getJsonObject(asked.getKey());
            boolean ahead = asked.getValue() != null && asked.getValue() > 0;
            if (!page.getJsonArray("messages").isEmpty() || page.getJsonNumber("lastId").longValue() != 0
                    || page.getBoolean("more") || page.getBoolean("reset") != ahead) {
                return "page of a fresh channel with cursor " + asked.getValue() + ": " + page;
            }
        }
        return null;
    }

    String publishProblem(Case c, JsonObject json) {
        List<Long> ids = new ArrayList<>();
        if (json.get("ids") instanceof JsonArray array) {
            array.forEach(v -> ids.add(((JsonNumber) v).longValue()));
        } else if (json.get("id") instanceof JsonNumber id) {
            ids.add(id.longValue());
        }
        if (ids.size() != c.stored.size()) {
            return ids.size() + " ids for " + c.stored.size() + " messages";
        }
        for (int i = 0; i < ids.size(); i++) {
            Stored s = c.stored.get(i);
            if (ids.get(i) <= 0 || ids.get(i) >= 1L << 53) {
                return "id " + ids.get(i) + " out of range";
            }
            if (!FuzzCases.isPrivate(s.channel())) {
                stored.computeIfAbsent(s.channel(), k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(new Object[] {s, ids.get(i)});
            }
        }
        return null;
    }

    static String presenceProblem(Case c, JsonObject json) {
        if (!(json.get("users") instanceof JsonArray users) || !(json.get("count") instanceof JsonNumber count)
                || count.intValue() != users.size()) {
            return "not {users: [...], count: n}";
        }
        if (c.presentUser == null) {
            return null;
        }
        for (JsonValue u : users) {
            JsonObject member = u.asJsonObject();
            if (member.getString("id").equals(c.presentUser)) {
                if (c.presentInfo != null && !same(c.presentInfo, member.get("info"))) {
                    return "info " + member.get("info") + " instead of " + c.presentInfo;
                }
                return null;
            }
        }
        return "user " + c.presentUser + " not listed";
    }

    /** JSON equality with numbers compared by value (the server may write 1e309 as 1E+309, -0 as 0). */
    static boolean same(JsonValue a, JsonValue b) {
        if (a == null || b == null || a.getValueType() != b.getValueType()) {
            return false;
        }
        switch (a.getValueType()) {
            case NUMBER:
                return ((JsonNumber) a).bigDecimalValue().compareTo(((JsonNumber) b).bigDecimalValue()) == 0;
            case STRING:
                return ((JsonString) a).getString().equals(((JsonString) b).getString());
            case ARRAY: {
                JsonArray x = a.asJsonArray();
                JsonArray y = b.asJsonArray();
                if (x.size() != y.size()) {
                    return false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!same(x.get(i), y.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            case OBJECT: {
                JsonObject x = a.asJsonObject();
                JsonObject y = b.asJsonObject();
                if (!x.keySet().equals(y.keySet())) {
                    return false;
                }
                for (String key : x.keySet()) {
                    if (!same(x.get(key), y.get(key))) {
                        return false;
                    }
                }
                return true;
            }
            default:
                return true;
        }
    }

    // ------------------------------------------------------------ the store afterwards

    /** Every event a valid publish acknowledged is stored once, in order, with its event and payload. */
    void verifyStored() {
        List<String> channels = new ArrayList<>(stored.keySet());
        for (int from = 0; from < channels.size(); from += 50) {
            List<String> chunk = channels.subList(from, Math.min(channels.size(), from + 50));
            Map<String, Object> cursors = new LinkedHashMap<>();
            chunk.forEach(ch -> cursors.put(ch, 0));
            JsonObject answer = verificationPoll(cursors);
            if (answer == null) {
                continue;
            }
            for (String channel : chunk) {
                List<Object[]> expected = new ArrayList<>(stored.get(channel));
                expected.sort((x, y) -> Long.compare((Long) x[1], (Long) y[1]));
                JsonObject page = answer.getJsonObject(channel);
                JsonArray messages = page.getJsonArray("messages");
                String where = "channel " + printable(channel, 80);
                if (messages.size() != expected.size() || page.getBoolean("reset") || page.getBoolean("more")) {
                    violation("stored-events-differ", where + ": expected " + expected.size() + " events, got "
                            + printable(page.toString(), 300));
                    continue;
                }
                for (int i = 0; i < expected.size(); i++) {
                    Stored s = (Stored) expected.get(i)[0];
                    JsonObject m = messages.getJsonObject(i);
                    if (m.getJsonNumber("id").longValue() != (Long) expected.get(i)[1]
                            || !m.getString("event").equals(s.event()) || !same(s.payload(), m.get("payload"))) {
                        violation("stored-events-differ", where + " event " + i + ": expected id "
                                + expected.get(i)[1] + " " + printable(s.event(), 40) + " "
                                + printable(String.valueOf(s.payload()), 120) + ", got "
                                + printable(m.toString(), 200));
                    }
                }
            }
        }
    }

    /** Channels named by invalid requests have no events (a null-cursor poll answers lastId 0). */
    void verifyUntouched() {
        List<String> channels = new ArrayList<>(new TreeMap<>(untouched).keySet());
        channels.removeAll(stored.keySet());
        for (int from = 0; from < channels.size(); from += 50) {
            List<String> chunk = channels.subList(from, Math.min(channels.size(), from + 50));
            Map<String, Object> cursors = new LinkedHashMap<>();
            chunk.forEach(ch -> cursors.put(ch, null));
            JsonObject answer = verificationPoll(cursors);
            if (answer == null) {
                continue;
            }
            for (String channel : chunk) {
                long lastId = answer.getJsonObject(channel).getJsonNumber("lastId").longValue();
                if (lastId != 0) {
                    String source = untouched.get(channel);
                    violation("invalid-request-stored-something[" + source.substring(0, source.indexOf(' ')) + "]",
                            source + ": channel " + printable(channel, 80) + " has lastId " + lastId);
                }
            }
        }
    }

    /**
     * Every channel's events after its cursor, following {@code more} as a client must (an answer's
     * byte budget or page limit cuts it): one page per channel with all messages, reset if any page was.
     */
    JsonObject verificationPoll(Map<String, Object> cursors) {
        Map<String, jakarta.json.JsonArrayBuilder> messages = new LinkedHashMap<>();
        Map<String, JsonObject> last = new LinkedHashMap<>();
        Map<String, Boolean> reset = new LinkedHashMap<>();
        Map<String, Object> asking = new LinkedHashMap<>(cursors);
        for (int round = 0; !asking.isEmpty(); round++) {
            if (round == 1000) {
                violation("verification-poll-failed", "still more after 1000 polls: " + asking.keySet());
                return null;
            }
            JsonObject channels = verificationPage(asking);
            if (channels == null) {
                return null;
            }
            Map<String, Object> next = new LinkedHashMap<>();
            for (String channel : asking.keySet()) {
                JsonObject page = channels.getJsonObject(channel);
                page.getJsonArray("messages").forEach(m -> messages.computeIfAbsent(channel, c -> Json.createArrayBuilder()).add(m));
                last.put(channel, page);
                reset.merge(channel, page.getBoolean("reset"), Boolean::logicalOr);
                if (page.getBoolean("more")) {
                    next.put(channel, page.getJsonNumber("lastId").longValue());
                }
            }
            asking = next;
        }
        var combined = Json.createObjectBuilder();
        last.forEach((channel, page) -> combined.add(channel, Json.createObjectBuilder()
                .add("messages", messages.getOrDefault(channel, Json.createArrayBuilder()))
                .add("lastId", page.get("lastId")).add("more", false).add("reset", reset.get(channel))));
        return combined.build();
    }

    private JsonObject verificationPage(Map<String, Object> cursors) {
        StringBuilder body = new StringBuilder("{\"channels\":{");
        cursors.forEach((ch, cursor) -> body.append(body.length() > 13 ? "," : "")
                .append(Json.createValue(ch)).append(':').append(cursor));
        body.append("}}");
        verificationRequests++;
        Answer a = send("POST", URI.create(base + "cable/poll"), Map.of("Content-Type", "application/json"),
                body.toString().getBytes(StandardCharsets.UTF_8), false);
        JsonObject json = a.status() == 200 ? object(a.body()) : null;
        if (json == null) {
            violation("verification-poll-failed", a.status() + " " + printable(a.body(), 300));
            return null;
        }
        return json.getJsonObject("channels");
    }

    // ------------------------------------------------------------ reporting

    void violation(String category, String example) {
        if (Boolean.getBoolean("fuzz.verbose")) {
            System.out.println("FUZZ-EACH " + category + " " + example);
        }
        violationCounts.computeIfAbsent(category, k -> new AtomicInteger()).incrementAndGet();
        List<String> examples = violations.computeIfAbsent(category, k -> Collections.synchronizedList(new ArrayList<>()));
        if (examples.size() < 3) {
            examples.add(example);
        }
    }

    String describe(Case c, Answer a) {
        StringBuilder sb = new StringBuilder("case ").append(c.index).append(" (").append(c.expect)
                .append(c.whys.isEmpty() ? "" : ": " + printable(c.why(), 240)).append(") ").append(c.method).append(' ')
                .append(printable(c.path, 160));
        c.headers.forEach((k, v) -> {
            if (!k.equals("Authorization") || !v.equals("Bearer " + token)) {
                sb.append(" [").append(k).append(": ").append(printable(v, 60)).append(']');
            }
        });
        if (c.chunked) {
            sb.append(" [chunked]");
        }
        if (c.body != null) {
            sb.append(" body(").append(c.body.length).append(" bytes)=").append(printableBytes(c.body, 240));
        }
        sb.append(" -> ").append(a.status()).append(' ').append(a.contentType()).append(' ')
                .append(a.error() != null ? a.error() : printable(a.body(), 240));
        return sb.toString();
    }

    void print() {
        System.out.println("FUZZ requests=" + executed.get() + " by endpoint=" + new TreeMap<>(byEndpoint)
                + " statuses=" + new TreeMap<>(statuses) + " seed=" + seed + " tookMs=" + tookMillis
                + " verificationPolls=" + verificationRequests + " storedChannelsChecked=" + stored.size()
                + " untouchedChannelsChecked=" + untouched.size());
        new TreeMap<>(byFamily).forEach((family, counts) -> System.out.println("FUZZ-FAMILY " + family + " "
                + new TreeMap<>(counts) + " ms=" + familyMillis.get(family)));
        new TreeMap<>(lenient).forEach((why, counts) ->
                System.out.println("FUZZ-LENIENT " + new TreeMap<>(counts) + " " + why));
        new TreeMap<>(violations).forEach((category, examples) -> {
            System.out.println("FUZZ-VIOLATION " + category + " count=" + violationCounts.get(category));
            examples.forEach(e -> System.out.println("    " + e));
        });
    }

    String summary() {
        StringBuilder sb = new StringBuilder("seed " + seed + ": ");
        new TreeMap<>(violations).forEach((category, examples) -> sb.append("\n").append(category).append(" x")
                .append(violationCounts.get(category)).append(", e.g. ").append(examples.get(0)));
        return sb.toString();
    }


    /** Text for a report: control and non-ASCII characters escaped, long text cut. */
    static String printable(String s, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < max; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > max ? sb + "...(" + s.length() + " chars)" : sb.toString();
    }

    /** Bytes for a report: printable ASCII as is, anything else as \xNN, runs of one byte shortened. */
    static String printableBytes(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length && sb.length() < max; i++) {
            int run = 1;
            while (i + run < bytes.length && bytes[i + run] == bytes[i]) {
                run++;
            }
            int b = bytes[i] & 0xFF;
            String one = b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02X", b);
            if (run > 8) {
                sb.append(one).append("{x").append(run).append('}');
                i += run - 1;
            } else {
                sb.append(one);
            }
        }
        return sb.length() >= max ? sb + "..." : sb.toString();
    }
}
