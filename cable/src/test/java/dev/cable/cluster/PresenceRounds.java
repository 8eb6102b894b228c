package dev.cable.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cable.PresenceReplica;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Seeded rounds of presence changes racing on two nodes: in each round two clients, one per node,
 * join, heartbeat and leave six users with two tabs each, changing their info now and then, and
 * abandon tabs that then time out (announced by either node's sweeper or by a read); two pollers,
 * one per node, follow the channel. At the end each poller replays what it received as cable.js
 * would (docs/protocol.md, "Keeping an exact member list") and must hold exactly the list the store
 * answers, at the store's version. A round that does not is stale; a seed reproduces it.
 */
final class PresenceRounds {

    private static final int USERS = 6;
    private static final int OPERATIONS = 40;
    private static final int AT_ONCE = 10;

    private final HttpClient http;
    private final URI a;
    private final URI b;
    private final Duration timeout;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    PresenceRounds(HttpClient http, URI a, URI b, Duration timeout) {
        this.http = http;
        this.a = a;
        this.b = b;
        this.timeout = timeout;
    }

    /** What one round saw. */
    record Outcome(long seed, long version, int members, int timeouts, String stale) {
    }

    void run(String store, int rounds) throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Outcome> outcomes = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int first = 0; first < rounds; first += AT_ONCE) {
                List<CompletableFuture<Outcome>> batch = new ArrayList<>();
                for (long seed = first; seed < Math.min(rounds, first + AT_ONCE); seed++) {
                    long s = seed;
                    batch.add(CompletableFuture.supplyAsync(() -> round(store, s, threads), threads));
                }
                for (CompletableFuture<Outcome> round : batch) {
                    outcomes.add(round.get(120, TimeUnit.SECONDS));
                }
            }
        } finally {
            threads.shutdownNow();
        }
        List<Outcome> stale = outcomes.stream().filter(o -> o.stale() != null).toList();
        System.out.printf("PRESENCE-ROUNDS %s: %d seeded rounds on two nodes in %d s, %d changes (versions), "
                        + "%d announced timeouts, %d members at the end; %d stale%n", store, outcomes.size(),
                (System.nanoTime() - started) / 1_000_000_000L, outcomes.stream().mapToLong(Outcome::version).sum(),
                outcomes.stream().mapToInt(Outcome::timeouts).sum(), outcomes.stream().mapToInt(Outcome::members).sum(),
                stale.size());
        stale.forEach(o -> System.out.println("PRESENCE-ROUNDS stale: seed " + o.seed() + ": " + o.stale()));
        assertEquals(List.of(), stale, "every client holds the store's list at the store's version");
    }

    private Outcome round(String store, long seed, ExecutorService threads) {
        String channel = "nodes:presence:" + store + ":" + run + ":" + seed;
        AtomicBoolean changing = new AtomicBoolean(true);
        List<CompletableFuture<List<JsonObject>>> pollers = new ArrayList<>();
        try {
            for (URI node : List.of(a, b)) {
                pollers.add(CompletableFuture.supplyAsync(() -> follow(node, channel, changing), threads));
            }
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                URI node = n == 0 ? a : b;
                Random random = new Random(seed * 2 + n);
                clients.add(CompletableFuture.runAsync(() -> change(node, channel, random), threads));
            }
            for (CompletableFuture<Void> client : clients) {
                client.get(60, TimeUnit.SECONDS);
            }
            JsonObject store0 = users(a, channel);
            long version = store0.getJsonNumber("version").longValue();
            Map<String, String> truth = new TreeMap<>();
            store0.getJsonArray("users").forEach(u -> truth.put(u.asJsonObject().getString("id"),
                    u.asJsonObject().get("info").toString()));
            changing.set(false);
            int timeouts = 0;
            for (CompletableFuture<List<JsonObject>> poller : pollers) {
                List<JsonObject> updates = poller.get(60, TimeUnit.SECONDS);
                PresenceReplica replica = new PresenceReplica();
                try {
                    for (JsonObject update : updates) {
                        if (update.getJsonNumber("version").longValue() <= version) {
                            replica.apply(update);
                        }
                    }
                } catch (AssertionError gap) {
                    return new Outcome(seed, version, truth.size(), timeouts, gap.getMessage() + "; received (message id:version) "
                            + updates.stream().map(u -> u.get("messageId") + ":" + u.get("version")).toList());
                }
                if (replica.version() != version || !replica.members().equals(truth)) {
                    return new Outcome(seed, version, truth.size(), timeouts, "a poller holds " + replica.members()
                            + " at version " + replica.version() + ", the store " + truth + " at " + version);
                }
                timeouts = (int) updates.stream().filter(u -> u.getJsonNumber("version").longValue() <= version)
                        .mapToLong(u -> u.getJsonArray("left").size()).sum();
            }
            return new Outcome(seed, version, truth.size(), timeouts, null);
        } catch (AssertionError | Exception e) {
            return new Outcome(seed, 0, 0, 0, e.toString());
        }
    }

    /** One client's share of the round: 40 random operations, then two users joined for good. */
    private void change(URI node, String channel, Random random) {
        try {
            for (int op = 0; op < OPERATIONS; op++) {
                String user = "u" + random.nextInt(USERS);
                String session = "tab-" + random.nextInt(2);
                int kind = random.nextInt(10);
                if (kind < 4) {
                    presence(node, "join", channel, user, session, "{\"n\":" + random.nextInt(3) + "}");
                } else if (kind < 6) {
                    presence(node, "heartbeat", channel, user, session, null);
                } else if (kind < 8) {
                    presence(node, "leave", channel, user, session, null);
                } // else: the tab is abandoned for a while and may time out
                Thread.sleep(random.nextInt((int) (timeout.toMillis() / 8)));
            }
            for (int n = 0; n < 2; n++) {
                presence(node, "join", channel, "u" + random.nextInt(USERS), "tab-0", null);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Follows the channel from its start until the round is over and nothing more comes. */
    private List<JsonObject> follow(URI node, String channel, AtomicBoolean changing) {
        try {
            List<JsonObject> updates = Collections.synchronizedList(new ArrayList<>());
            long cursor = 0;
            int quiet = 0;
            while (quiet < 2) {
                boolean over = !changing.get();
                JsonObject page = post(node, "cable/poll", "{\"channels\":{" + Json.createValue(channel) + ":"
                        + cursor + "},\"wait\":" + (over ? 0.3 : 1) + "}").getJsonObject("channels").getJsonObject(channel);
                if (page.getBoolean("reset")) {
                    throw new AssertionError("reset on " + channel);
                }
                for (JsonValue v : page.getJsonArray("messages")) {
                    JsonObject m = v.asJsonObject();
                    if (m.getString("event").equals("presence:update")) {
                        // the message id goes along for the report of a stale round
                        updates.add(Json.createObjectBuilder(m.getJsonObject("payload"))
                                .add("messageId", m.getJsonNumber("id")).build());
                    }
                }
                cursor = page.getJsonNumber("lastId").longValue();
                quiet = over && page.getJsonArray("messages").isEmpty() && !page.getBoolean("more") ? quiet + 1 : 0;
            }
            return updates;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject users(URI node, String channel) throws Exception {
        return post(node, "cable/presence/users", "{\"channel\":" + Json.createValue(channel) + "}");
    }

    private void presence(URI node, String action, String channel, String user, String session, String info)
            throws Exception {
        post(node, "cable/presence/" + action, "{\"channel\":" + Json.createValue(channel) + ",\"user\":"
                + Json.createValue(user) + ",\"session\":" + Json.createValue(session)
                + (info == null ? "" : ",\"info\":" + info) + "}");
    }

    private JsonObject post(URI node, String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
