import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cable's benchmark client for what wrk cannot do: preparing request bodies at the channels' heads,
 * driving the server-side emit loops, thousands of simulated polling clients (one virtual thread
 * each) for end-to-end latency and backend load. Single file, JDK only, HTTP/1.1 only.
 *
 * <p>Run with a JDK 21+ for virtual threads ({@code java bench/CableBench.java <command> --url ...});
 * on JDK 17 it falls back to small-stack platform threads and says so ({@code virtual_threads=false}).
 * Every command prints {@code key=value} lines on stdout (bench/run.sh reads them), progress on
 * stderr, and stops by itself: a watchdog ends the process after {@code --deadline} seconds.
 *
 * <pre>
 * emit       --url U --prefix P --threads 8 --channels 1 --count N --batch 0 [--chunk N] [--budget S]
 * empty-body --url U --prefix P --channels 10        prints a poll body with every cursor at its head
 * msgs-body  --url U --channel C --behind 10         prints a poll body 10 messages behind the head
 * distinct-bodies --url U --prefix P --channels N --behind 10 --out F
 *                                                     writes N poll bodies to F, one per line, each for
 *                                                     its own channel P:i, 10 messages behind its head
 * e2e        --url U --mode short|long --clients N --duration S [--channels 10] [--interval 3] [--ramp-rate 500]
 *            [--wait 25] [--token T] [--prefix P] [--pid PID --jcmd PATH]
 * idle       --url U --clients N --duration S --counter 'shell command printing a number'
 *            [--channels 10] [--interval 3] [--prefix P]
 * presence   --url U [--members 10000] [--small 100] [--clients 16] [--seconds 15] [--runs 3] [--warmup 10]
 *            [--arrivals 5] [--follow 2] [--budget 900] [--prefix room] [--counter 'shell command']
 *                                                     scenario P: fills P:members with joins, churn
 *                                                     (leave + join back) there and on P:small, update
 *                                                     bytes, arriving clients building the exact list
 *                                                     (needs cable.presence.client-user-id=true)
 * </pre>
 */
public class CableBench {

    static final long T0 = System.nanoTime();
    static boolean virtualThreads;

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            usage("name a command");
        }
        Map<String, String> o = options(args);
        long deadline = Long.parseLong(o.getOrDefault("deadline", "3600"));
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(deadline * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("error=deadline of " + deadline + " s exceeded");
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        switch (args[0]) {
            case "emit" -> emit(o);
            case "empty-body" -> emptyBody(o);
            case "msgs-body" -> msgsBody(o);
            case "distinct-bodies" -> distinctBodies(o);
            case "e2e" -> e2e(o);
            case "idle" -> idle(o);
            case "presence" -> presence(o);
            default -> usage("unknown command " + args[0]);
        }
        System.out.flush();
        System.exit(0); // parked long polls and keep-alive connections must not keep the JVM alive
    }

    // ---------------------------------------------------------------- emit (bench/emit driver)

    /** Runs POST /bench/emit in chunks of at most --chunk events until --count or --budget. */
    static void emit(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        long count = Long.parseLong(o.getOrDefault("count", "10000"));
        long chunk = Long.parseLong(o.getOrDefault("chunk", String.valueOf(count)));
        long budgetMillis = Long.parseLong(o.getOrDefault("budget", "3000")) * 1000;
        HttpClient http = client(null);
        long done = 0;
        long serverMillis = 0;
        long started = System.currentTimeMillis();
        while (done < count && System.currentTimeMillis() - started < budgetMillis) {
            long n = Math.min(chunk, count - done);
            String body = "{\"prefix\":" + quote(o.getOrDefault("prefix", "bench")) + ",\"threads\":"
                    + int0(o, "threads", 8) + ",\"channels\":" + int0(o, "channels", 1) + ",\"count\":" + n
                    + ",\"batch\":" + int0(o, "batch", 0) + "}";
            HttpResponse<String> r = http.send(request(url + "/bench/emit", body, Duration.ofSeconds(1800)),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                fail("POST /bench/emit answered " + r.statusCode() + ": " + r.body());
            }
            Map<?, ?> answer = (Map<?, ?>) Json.parse(r.body());
            done += ((Number) answer.get("events")).longValue();
            serverMillis += ((Number) answer.get("millis")).longValue();
            if (chunk < count) {
                System.err.printf("  emitted %,d / %,d%n", done, count);
            }
        }
        long wall = System.currentTimeMillis() - started;
        out("events", done);
        out("complete", done >= count);
        out("millis", serverMillis);
        out("wall_millis", wall);
        out("per_second", fmt(done * 1000.0 / Math.max(1, serverMillis)));
    }

    // ---------------------------------------------------------------- request bodies for wrk

    /** A poll body naming prefix:0..n-1, each cursor at the channel's head; checked to answer empty. */
    static void emptyBody(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        String prefix = o.getOrDefault("prefix", "empty");
        int channels = int0(o, "channels", 10);
        HttpClient http = client(null);
        Map<String, Object> cursors = new LinkedHashMap<>();
        for (int i = 0; i < channels; i++) {
            cursors.put(prefix + ":" + i, null);
        }
        Map<?, ?> heads = pollOnce(http, url, cursors);
        for (String channel : cursors.keySet()) {
            long head = ((Number) ((Map<?, ?>) heads.get(channel)).get("lastId")).longValue();
            if (head <= 0) {
                fail("channel " + channel + " has no events; emit one first so its cursor is a real id");
            }
            cursors.put(channel, head);
        }
        Map<?, ?> check = pollOnce(http, url, cursors);
        for (String channel : cursors.keySet()) {
            Map<?, ?> page = (Map<?, ?>) check.get(channel);
            if (!((List<?>) page.get("messages")).isEmpty() || truthy(page.get("more")) || truthy(page.get("reset"))) {
                fail("a poll at the heads was not empty for " + channel + ": " + page);
            }
        }
        out("body", Json.write(Map.of("channels", cursors)));
    }

    /** A poll body for one channel with a cursor --behind messages before its head; checked. */
    static void msgsBody(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        String channel = required(o, "channel");
        int behind = int0(o, "behind", 10);
        HttpClient http = client(null);
        Map<String, Object> cursors = new LinkedHashMap<>();
        cursors.put(channel, null);
        long head = ((Number) ((Map<?, ?>) pollOnce(http, url, cursors).get(channel)).get("lastId")).longValue();
        cursors.put(channel, head - behind);
        Map<?, ?> page = (Map<?, ?>) pollOnce(http, url, cursors).get(channel);
        int got = ((List<?>) page.get("messages")).size();
        if (got != behind || truthy(page.get("more")) || truthy(page.get("reset"))) {
            fail("a poll " + behind + " behind the head of " + channel + " carried " + got + " messages, more="
                    + page.get("more") + ", reset=" + page.get("reset") + " (emit at least " + behind + " first)");
        }
        out("body", Json.write(Map.of("channels", cursors)));
        out("answer_bytes", Json.write(Map.of("channels", Map.of(channel, page))).length());
    }

    /**
     * One poll body per channel, each {@code --behind} messages behind that channel's head (checked
     * on a sample), one per line: wrk sends them in turn, so polls do not ask the same question.
     */
    static void distinctBodies(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        String prefix = required(o, "prefix");
        int channels = int0(o, "channels", 1000);
        int behind = int0(o, "behind", 10);
        java.nio.file.Path file = java.nio.file.Path.of(required(o, "out"));
        HttpClient http = client(null);
        List<String> lines = new ArrayList<>();
        for (int from = 0; from < channels; from += 50) {
            Map<String, Object> cursors = new LinkedHashMap<>();
            for (int i = from; i < Math.min(channels, from + 50); i++) {
                cursors.put(prefix + ":" + i, null);
            }
            Map<?, ?> heads = pollOnce(http, url, cursors);
            for (String channel : cursors.keySet()) {
                long head = ((Number) ((Map<?, ?>) heads.get(channel)).get("lastId")).longValue();
                Map<String, Object> one = new LinkedHashMap<>();
                one.put(channel, head - behind);
                if (lines.size() % 97 == 0) {
                    Map<?, ?> page = (Map<?, ?>) pollOnce(http, url, one).get(channel);
                    int got = ((List<?>) page.get("messages")).size();
                    if (got != behind || truthy(page.get("more")) || truthy(page.get("reset"))) {
                        fail("a poll " + behind + " behind the head of " + channel + " carried " + got
                                + " messages (emit at least " + behind + " per channel first)");
                    }
                }
                lines.add(Json.write(Map.of("channels", one)));
            }
        }
        java.nio.file.Files.write(file, lines);
        out("bodies", lines.size());
    }

    static Map<?, ?> pollOnce(HttpClient http, String url, Map<String, Object> cursors) throws Exception {
        HttpResponse<String> r = http.send(request(url + "/cable/poll", Json.write(Map.of("channels", cursors)),
                Duration.ofSeconds(30)), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            fail("POST /cable/poll answered " + r.statusCode() + ": " + r.body());
        }
        return (Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("channels");
    }

    // ---------------------------------------------------------------- e2e latency

    /** Counters shared by the simulated clients. */
    static final class Tally {
        final AtomicLong polls = new AtomicLong();
        final AtomicLong statusErrors = new AtomicLong();
        final AtomicLong ioErrors = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong answeredAtOnce = new AtomicLong();
        final AtomicInteger ready = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger waiting = new AtomicInteger();
        final Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<String, AtomicLong> ioKinds = new java.util.concurrent.ConcurrentHashMap<>();
        long[] latencies;
        final AtomicInteger latencyCount = new AtomicInteger();
        volatile boolean stop;
        volatile boolean counting;

        void latency(long micros) {
            int i = latencyCount.getAndIncrement();
            if (i < latencies.length) {
                latencies[i] = micros;
            }
        }

        void io(Exception e) {
            String message = String.valueOf(e.getMessage());
            String kind = e.getClass().getSimpleName() + ": " + message.substring(0, Math.min(60, message.length()));
            ioKinds.computeIfAbsent(kind.replace('=', ':').replace('\n', ' '), k -> new AtomicLong()).incrementAndGet();
        }

        /** The three most frequent I/O errors, "kind x count; ...". */
        String ioSummary() {
            return ioKinds.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().get(), a.getValue().get()))
                    .limit(3).map(e -> e.getKey() + " x" + e.getValue().get())
                    .collect(java.util.stream.Collectors.joining("; "));
        }

        void status(int code) {
            statusErrors.incrementAndGet();
            statuses.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
        }
    }

    /** One simulated browser tab following one channel. */
    static final class Client implements Runnable {
        final HttpClient http;
        final String url;
        final String channel;
        final boolean longPoll;
        final long startDelayMillis;
        final double intervalMillis;
        final int waitSeconds;
        final Tally tally;
        volatile boolean counted;
        final AtomicLong delivered = new AtomicLong();
        long cursor = -1;

        Client(HttpClient http, String url, String channel, boolean longPoll, long startDelayMillis,
               double intervalMillis, int waitSeconds, Tally tally) {
            this.http = http;
            this.url = url;
            this.channel = channel;
            this.longPoll = longPoll;
            this.startDelayMillis = startDelayMillis;
            this.intervalMillis = intervalMillis;
            this.waitSeconds = waitSeconds;
            this.tally = tally;
        }

        @Override
        public void run() {
            try {
                sleep(startDelayMillis);
                while (!tally.stop && cursor < 0) {
                    if (!poll("{\"channels\":{" + quote(channel) + ":null}}", 30)) {
                        sleep(1000);
                    }
                }
                tally.ready.incrementAndGet();
                boolean again = false;
                while (!tally.stop) {
                    if (!longPoll && !again) {
                        sleep((long) (intervalMillis * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble())));
                        if (tally.stop) {
                            break;
                        }
                    }
                    String body = "{\"channels\":{" + quote(channel) + ":" + cursor + "}"
                            + (longPoll ? ",\"wait\":" + waitSeconds : "") + "}";
                    long sent = System.nanoTime();
                    again = poll(body, longPoll ? waitSeconds + 20 : 30) && more;
                    if (!lastOk) {
                        sleep(1000); // a failing server is not hammered
                    } else if (longPoll && !again && received == 0 && waitSeconds > 1
                            && System.nanoTime() - sent < 1_000_000_000L) {
                        // an empty long poll answered at once: the node would not park it
                        // (cable.poll.max-waiting); behave as cable.js does and short-poll once
                        tally.answeredAtOnce.incrementAndGet();
                        sleep((long) intervalMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        boolean more;
        boolean lastOk;
        int received;

        /** One poll; false if it failed (counted). Learns the cursor, records latencies. */
        boolean poll(String body, int timeoutSeconds) {
            more = false;
            lastOk = false;
            received = 0;
            boolean parked = longPoll && cursor >= 0;
            tally.inFlight.incrementAndGet();
            if (parked) {
                tally.waiting.incrementAndGet();
            }
            HttpResponse<String> r;
            try {
                r = http.send(request(url + "/cable/poll", body, Duration.ofSeconds(timeoutSeconds)),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                if (!tally.stop) {
                    tally.ioErrors.incrementAndGet();
                    tally.io(e);
                }
                return false;
            } finally {
                tally.inFlight.decrementAndGet();
                if (parked) {
                    tally.waiting.decrementAndGet();
                }
            }
            long now = micros();
            if (tally.stop) {
                return false;
            }
            tally.polls.incrementAndGet();
            if (r.statusCode() != 200) {
                tally.status(r.statusCode());
                return false;
            }
            Map<?, ?> page;
            try {
                page = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("channels")).get(channel);
            } catch (RuntimeException e) {
                tally.status(-1); // 200 with a body that is not a poll answer
                return false;
            }
            if (truthy(page.get("reset"))) {
                tally.resets.incrementAndGet();
            }
            for (Object m : (List<?>) page.get("messages")) {
                Map<?, ?> message = (Map<?, ?>) m;
                received++;
                long id = ((Number) message.get("id")).longValue();
                if (cursor >= 0 && id <= cursor) {
                    tally.duplicates.incrementAndGet();
                } else if (cursor > 0 && id != cursor + 1 && !truthy(page.get("reset"))) {
                    // (cursor 0: the channel had no event yet; its first id is the base of a new life)
                    tally.gaps.incrementAndGet();
                }
                cursor = Math.max(cursor, id);
                if (message.get("payload") instanceof Map<?, ?> payload && payload.get("sent") instanceof Number sent) {
                    if (counted) {
                        delivered.incrementAndGet();
                        tally.delivered.incrementAndGet();
                        tally.latency(now - sent.longValue());
                    }
                }
            }
            cursor = ((Number) page.get("lastId")).longValue();
            more = truthy(page.get("more"));
            lastOk = true;
            return true;
        }
    }

    /**
     * N clients following one of --channels channels each (short polls every --interval s with
     * jitter, or long polls), a publisher emitting one event per second per channel through
     * POST /cable/publish with its send time in the payload; latency = receive time - send time.
     */
    static void e2e(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        boolean longPoll = switch (required(o, "mode")) {
            case "long" -> true;
            case "short" -> false;
            default -> throw usage("--mode is short or long");
        };
        int clients = int0(o, "clients", 1000);
        int channels = int0(o, "channels", 10);
        int duration = int0(o, "duration", 30);
        double interval = Double.parseDouble(o.getOrDefault("interval", "3")) * 1000;
        int wait = int0(o, "wait", 25);
        String token = o.getOrDefault("token", "bench");
        String prefix = o.getOrDefault("prefix", "e2e-" + (longPoll ? "long" : "short") + "-" + clients + "-"
                + Long.toString(System.currentTimeMillis(), 36));
        // long-poll clients connect at --ramp-rate per second (default 500), short-poll clients
        // spread their first poll over one interval
        long rampMillis = Math.max(1000, clients * 1000L / Long.parseLong(o.getOrDefault("ramp-rate", "500")));
        ExecutorService threads = threads();
        HttpClient[] https = {client(threads), client(threads)};
        Tally tally = new Tally();
        tally.latencies = new long[(int) Math.min(50_000_000L, (long) clients * (duration + 5) + 1000)];
        out("virtual_threads", virtualThreads);
        out("mode", longPoll ? "long" : "short");
        out("clients", clients);
        out("channels", channels);
        out("duration_s", duration);

        Heap heap = o.containsKey("pid") ? new Heap(required(o, "jcmd"), required(o, "pid")) : null;
        if (heap != null) {
            out("heap_before_clients_live_mib", heap.liveMib());
        }

        List<Client> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long delay = longPoll ? rampMillis * i / clients : (long) (ThreadLocalRandom.current().nextDouble() * interval);
            Client c = new Client(https[i % https.length], url, prefix + ":" + (i % channels), longPoll, delay,
                    interval, wait, tally);
            all.add(c);
            threads.execute(c);
        }
        long readyBy = System.currentTimeMillis() + Math.max(rampMillis, (long) interval) + 30_000;
        while (tally.ready.get() < clients && System.currentTimeMillis() < readyBy) {
            Thread.sleep(100);
        }
        out("clients_ready", tally.ready.get());
        System.err.printf("  %d/%d clients ready%n", tally.ready.get(), clients);
        if (longPoll) {
            long parkedBy = System.currentTimeMillis() + 10_000;
            while (tally.waiting.get() < tally.ready.get() && System.currentTimeMillis() < parkedBy) {
                Thread.sleep(100);
            }
            Thread.sleep(2000);
            out("clients_waiting", tally.waiting.get());
            if (heap != null) {
                out("heap_waiting_used_mib", heap.usedMib());
                out("heap_waiting_live_mib", heap.liveMib());
                Thread.sleep(2000);
            }
        }

        long[] clientsOn = new long[channels];
        for (int i = 0; i < clients; i++) {
            if (all.get(i).cursor >= 0) {
                all.get(i).counted = true;
                clientsOn[i % channels]++;
            }
        }
        out("ramp_error_responses", tally.statusErrors.getAndSet(0));
        out("ramp_io_errors", tally.ioErrors.getAndSet(0));
        out("ramp_io_error_kinds", tally.ioSummary());
        tally.ioKinds.clear();
        tally.polls.set(0);
        tally.statuses.clear();

        // publisher: channel k publishes at second s + k/channels, each send on its own thread
        AtomicLongArray published = new AtomicLongArray(channels);
        AtomicLong publishErrors = new AtomicLong();
        AtomicLong publishMicros = new AtomicLong();
        HttpClient publisher = client(threads);
        long start = System.nanoTime();
        List<Thread> sends = new ArrayList<>();
        for (int s = 0; s < duration; s++) {
            for (int k = 0; k < channels; k++) {
                long at = start + s * 1_000_000_000L + k * (1_000_000_000L / channels);
                long pause = at - System.nanoTime();
                if (pause > 0) {
                    TimeUnit.NANOSECONDS.sleep(pause);
                }
                int channel = k;
                Runnable send = () -> {
                    long sent = micros();
                    String body = "{\"channel\":" + quote(prefix + ":" + channel) + ",\"event\":\"bench\",\"payload\":{\"sent\":"
                            + sent + "}}";
                    try {
                        HttpResponse<String> r = publisher.send(post(url + "/cable/publish", body, Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            published.incrementAndGet(channel);
                            publishMicros.addAndGet(micros() - sent);
                        } else {
                            publishErrors.incrementAndGet();
                            System.err.println("  publish answered " + r.statusCode() + ": " + r.body());
                        }
                    } catch (IOException | InterruptedException e) {
                        publishErrors.incrementAndGet();
                        tally.io(e);
                    }
                };
                sends.add(startThread(send));
            }
        }
        for (Thread t : sends) {
            t.join(30_000);
        }
        long expected = 0;
        long publishedTotal = 0;
        for (int k = 0; k < channels; k++) {
            expected += published.get(k) * clientsOn[k];
            publishedTotal += published.get(k);
        }
        // drain: every client has had the chance to poll once more
        long drainBy = System.currentTimeMillis() + (longPoll ? 5000 : (long) (interval * 1.1) + 3000);
        while (tally.delivered.get() < expected && System.currentTimeMillis() < drainBy) {
            Thread.sleep(50);
        }
        tally.stop = true;
        long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L);

        int n = Math.min(tally.latencyCount.get(), tally.latencies.length);
        long[] lat = Arrays.copyOf(tally.latencies, n);
        Arrays.sort(lat);
        out("published", publishedTotal);
        out("publish_errors", publishErrors.get());
        out("publish_mean_ms", fmt(publishMicros.get() / 1000.0 / Math.max(1, publishedTotal)));
        out("expected_deliveries", expected);
        out("delivered", tally.delivered.get());
        out("missing", Math.max(0, expected - tally.delivered.get()));
        out("gaps", tally.gaps.get());
        out("duplicates", tally.duplicates.get());
        out("resets", tally.resets.get());
        out("long_polls_answered_at_once", tally.answeredAtOnce.get());
        out("polls", tally.polls.get());
        out("polls_per_second", fmt(tally.polls.get() / (double) seconds));
        out("error_responses", tally.statusErrors.get());
        out("error_statuses", tally.statuses.toString().replace(" ", ""));
        out("io_errors", tally.ioErrors.get());
        out("io_error_kinds", tally.ioSummary());
        out("latency_samples", n);
        out("latency_p50_ms", fmt(percentile(lat, 50) / 1000.0));
        out("latency_p90_ms", fmt(percentile(lat, 90) / 1000.0));
        out("latency_p99_ms", fmt(percentile(lat, 99) / 1000.0));
        out("latency_max_ms", fmt(n == 0 ? Double.NaN : lat[n - 1] / 1000.0));
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** The server JVM's heap through jcmd (GC.heap_info; GC.run first for the live set). */
    record Heap(String jcmd, String pid) {
        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        String usedMib() throws Exception {
            Matcher m = USED.matcher(run(jcmd, pid, "GC.heap_info"));
            return m.find() ? fmt(Long.parseLong(m.group(1)) / 1024.0) : "n/a";
        }

        String liveMib() throws Exception {
            run(jcmd, pid, "GC.run");
            return usedMib();
        }
    }

    // ---------------------------------------------------------------- idle clients and backend load

    /**
     * N clients polling the same --channels channels every --interval s (with jitter), nothing
     * emitted; after they are all polling, runs --counter before and after --duration seconds.
     */
    static void idle(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        int clients = int0(o, "clients", 1);
        int channels = int0(o, "channels", 10);
        int duration = int0(o, "duration", 20);
        double interval = Double.parseDouble(o.getOrDefault("interval", "3")) * 1000;
        String prefix = o.getOrDefault("prefix", "idle");
        String counter = required(o, "counter");
        ExecutorService threads = threads();
        HttpClient[] https = {client(threads), client(threads)};
        Tally tally = new Tally();
        AtomicLong pollErrors = new AtomicLong();
        StringBuilder nulls = new StringBuilder();
        for (int k = 0; k < channels; k++) {
            nulls.append(k == 0 ? "" : ",").append(quote(prefix + ":" + k)).append(":null");
        }
        for (int i = 0; i < clients; i++) {
            HttpClient http = https[i % https.length];
            long delay = (long) (ThreadLocalRandom.current().nextDouble() * interval);
            threads.execute(() -> {
                try {
                    sleep(delay);
                    String body = null;
                    while (!tally.stop) {
                        String request = body != null ? body : "{\"channels\":{" + nulls + "}}";
                        try {
                            HttpResponse<String> r = http.send(request(url + "/cable/poll", request, Duration.ofSeconds(30)),
                                    HttpResponse.BodyHandlers.ofString());
                            if (tally.counting) {
                                tally.polls.incrementAndGet();
                            }
                            if (r.statusCode() != 200) {
                                if (tally.counting) {
                                    tally.status(r.statusCode());
                                }
                            } else {
                                Map<?, ?> answer = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.body())).get("channels");
                                Map<String, Object> cursors = new LinkedHashMap<>();
                                answer.forEach((c, page) -> cursors.put((String) c, ((Map<?, ?>) page).get("lastId")));
                                if (body == null) {
                                    tally.ready.incrementAndGet();
                                }
                                body = Json.write(Map.of("channels", cursors));
                            }
                        } catch (IOException | RuntimeException e) {
                            if (tally.counting) {
                                pollErrors.incrementAndGet();
                                tally.io(e);
                            }
                        }
                        sleep((long) (interval * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble())));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long readyBy = System.currentTimeMillis() + (long) interval + 30_000;
        while (tally.ready.get() < clients && System.currentTimeMillis() < readyBy) {
            Thread.sleep(100);
        }
        if (clients > 0) {
            Thread.sleep(1000);
        }
        out("virtual_threads", virtualThreads);
        out("clients", clients);
        out("clients_ready", tally.ready.get());
        tally.counting = true;
        long before = counter(counter);
        long t0 = System.nanoTime();
        Thread.sleep(duration * 1000L);
        long after = counter(counter);
        double seconds = (System.nanoTime() - t0) / 1e9;
        tally.counting = false;
        tally.stop = true;
        out("seconds", fmt(seconds));
        out("backend_commands", after - before);
        out("backend_per_second", fmt((after - before) / seconds));
        out("polls", tally.polls.get());
        out("polls_per_second", fmt(tally.polls.get() / seconds));
        out("error_responses", tally.statusErrors.get());
        out("error_statuses", tally.statuses.toString().replace(" ", ""));
        out("io_errors", pollErrors.get());
        out("io_error_kinds", tally.ioSummary());
    }

    static long counter(String command) throws Exception {
        String value = run("bash", "-c", command).trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw fail("the counter command printed '" + value + "', not a number: " + command);
        }
    }

    // ---------------------------------------------------------------- presence (scenario P)

    /** HTTP outcomes of the presence scenario: error responses by status, I/O errors by kind. */
    static final Tally PT = new Tally();

    /** POST json to path; the body of a 200 answer, or null (counted) for anything else. */
    static String presencePost(HttpClient http, String url, String path, String json) {
        try {
            HttpResponse<String> r = http.send(request(url + path, json, Duration.ofSeconds(30)),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                PT.status(r.statusCode());
                if (PT.statusErrors.get() <= 3) {
                    System.err.println("  " + path + " answered " + r.statusCode() + ": " + r.body());
                }
                return null;
            }
            return r.body();
        } catch (IOException | RuntimeException e) {
            PT.ioErrors.incrementAndGet();
            PT.io(e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String user(int i) {
        return String.format(Locale.ROOT, "u-%05d", i);
    }

    static String joinBody(String channel, int i) {
        return "{\"channel\":" + quote(channel) + ",\"session\":\"s\",\"user\":" + quote(user(i))
                + ",\"info\":{\"name\":\"User " + i + "\"}}";
    }

    static String leaveBody(String channel, int i) {
        return "{\"channel\":" + quote(channel) + ",\"session\":\"s\",\"user\":" + quote(user(i)) + "}";
    }

    /** Joins users 1..members to the channel with --clients concurrent clients; returns the seconds taken. */
    static double presenceFill(HttpClient http, ExecutorService threads, String url, String channel, int members,
                               int clients, long budgetMillis) throws Exception {
        AtomicInteger next = new AtomicInteger(1);
        AtomicInteger joined = new AtomicInteger();
        long t0 = System.nanoTime();
        long end = System.currentTimeMillis() + budgetMillis;
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            done.add(threads.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) <= members && System.currentTimeMillis() < end) {
                    if (presencePost(http, url, "/cable/presence/join", joinBody(channel, i)) != null) {
                        joined.incrementAndGet();
                    }
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : done) {
            f.get();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Users leaving and joining back on one channel, each worker owning its own users; pausable. */
    static final class Churn {
        final AtomicLong joins = new AtomicLong();
        final AtomicLong leaves = new AtomicLong();
        final AtomicInteger busy = new AtomicInteger();
        volatile boolean stop;
        volatile boolean paused;
        final List<java.util.concurrent.Future<?>> workers = new ArrayList<>();

        Churn(HttpClient http, ExecutorService threads, String url, String channel, int members, int clients) {
            for (int w = 0; w < clients; w++) {
                int worker = w;
                workers.add(threads.submit(() -> {
                    int owned = (members - worker + clients - 1) / clients; // users worker+1, worker+1+clients, ...
                    while (!stop) {
                        if (paused) {
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                return;
                            }
                            continue;
                        }
                        busy.incrementAndGet();
                        try {
                            if (paused) {
                                continue;
                            }
                            int i = worker + 1 + clients * ThreadLocalRandom.current().nextInt(Math.max(1, owned));
                            if (presencePost(http, url, "/cable/presence/leave", leaveBody(channel, i)) != null) {
                                leaves.incrementAndGet();
                            }
                            if (presencePost(http, url, "/cable/presence/join", joinBody(channel, i)) != null) {
                                joins.incrementAndGet();
                            }
                        } finally {
                            busy.decrementAndGet();
                        }
                    }
                }));
            }
        }

        /** Stops after the operations in flight; every member has joined back. */
        void pause() throws InterruptedException {
            paused = true;
            long until = System.currentTimeMillis() + 60_000;
            while (busy.get() > 0 && System.currentTimeMillis() < until) {
                Thread.sleep(2);
            }
        }

        void finish() throws Exception {
            stop = true;
            for (java.util.concurrent.Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Follows a channel's presence:update events: payload sizes and the version sequence. */
    static final class Follower implements Runnable {
        final HttpClient http;
        final String url;
        final String channel;
        final List<Integer> bytes = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        volatile boolean stop;
        long cursor = -1;
        long version = -1;

        Follower(HttpClient http, String url, String channel) {
            this.http = http;
            this.url = url;
            this.channel = channel;
        }

        @Override
        public void run() {
            while (!stop) {
                once(2);
            }
            for (int k = 0; k < 100 && once(0); k++) {
                // drain what is left
            }
        }

        /** One poll; true if it carried messages or more. */
        boolean once(int wait) {
            String body = "{\"channels\":{" + quote(channel) + ":" + (cursor < 0 ? "null" : String.valueOf(cursor)) + "}"
                    + (cursor < 0 || wait == 0 ? "" : ",\"wait\":" + wait) + "}";
            String answer = presencePost(http, url, "/cable/poll", body);
            if (answer == null) {
                return false;
            }
            Map<?, ?> page = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(answer)).get("channels")).get(channel);
            if (truthy(page.get("reset"))) {
                resets.incrementAndGet();
                version = -1;
            }
            boolean any = truthy(page.get("more"));
            for (Object m : (List<?>) page.get("messages")) {
                Map<?, ?> message = (Map<?, ?>) m;
                if (!Roster.UPDATE.equals(message.get("event"))) {
                    continue;
                }
                any = true;
                Map<?, ?> payload = (Map<?, ?>) message.get("payload");
                bytes.add(Json.write(payload).getBytes(StandardCharsets.UTF_8).length);
                long v = ((Number) payload.get("version")).longValue();
                if (version >= 0 && v != version + 1) {
                    gaps.incrementAndGet();
                }
                version = v;
            }
            cursor = ((Number) page.get("lastId")).longValue();
            return any;
        }
    }

    /** A client's member list kept exact as docs/protocol.md says (subscribe, page, replay, follow). */
    static final class Roster {
        static final String UPDATE = "presence:update";
        final HttpClient http;
        final String url;
        final String channel;
        final Map<String, String> users = new java.util.TreeMap<>(); // id -> info JSON
        long cursor;
        long held;
        int restarts;
        int replayed;
        int pages;

        Roster(HttpClient http, String url, String channel) {
            this.http = http;
            this.url = url;
            this.channel = channel;
        }

        /** Subscribes, reads every page, replays the updates since: true once the list is built. */
        boolean build(long deadline) throws InterruptedException {
            while (System.currentTimeMillis() < deadline) {
                users.clear();
                replayed = 0;
                Map<?, ?> first = poll("null", 0);
                if (first == null) {
                    Thread.sleep(200);
                    continue;
                }
                cursor = ((Number) first.get("lastId")).longValue();
                Map<?, ?>[] read = readAll(users);
                if (read == null) {
                    restarts++;
                    continue;
                }
                long lowest = ((Number) read[0].get("version")).longValue();
                long highest = ((Number) read[1].get("version")).longValue();
                held = lowest;
                boolean ok = true;
                while (System.currentTimeMillis() < deadline) {
                    Map<?, ?> page = poll(String.valueOf(cursor), held < highest ? 1 : 0);
                    if (page == null) {
                        ok = false;
                        break;
                    }
                    int r = apply(page);
                    if (r < 0) {
                        ok = false; // a reset or a gap: read the list again
                        break;
                    }
                    replayed += r;
                    if (!truthy(page.get("more")) && held >= highest) {
                        return true;
                    }
                }
                if (ok) {
                    return false;
                }
                restarts++;
            }
            return false;
        }

        /** Every page of the list into target; {lowest-version page, highest-version page}, or null. */
        Map<?, ?>[] readAll(Map<String, String> target) {
            String after = null;
            Map<?, ?> lowest = null;
            Map<?, ?> highest = null;
            do {
                String answer = presencePost(http, url, "/cable/presence/users", "{\"channel\":" + quote(channel)
                        + (after == null ? "" : ",\"after\":" + quote(after)) + ",\"limit\":" + Roster.PAGE + "}");
                if (answer == null) {
                    return null;
                }
                pages++;
                Map<?, ?> page = (Map<?, ?>) Json.parse(answer);
                for (Object u : (List<?>) page.get("users")) {
                    Map<?, ?> m = (Map<?, ?>) u;
                    target.put((String) m.get("id"), Json.write(m.get("info")));
                }
                long v = ((Number) page.get("version")).longValue();
                if (lowest == null || v < ((Number) lowest.get("version")).longValue()) {
                    lowest = page;
                }
                if (highest == null || v > ((Number) highest.get("version")).longValue()) {
                    highest = page;
                }
                after = (String) page.get("next");
            } while (after != null);
            return new Map<?, ?>[] {lowest, highest};
        }

        static final int PAGE = 1000;

        Map<?, ?> poll(String at, int wait) {
            String answer = presencePost(http, url, "/cable/poll", "{\"channels\":{" + quote(channel) + ":" + at + "}"
                    + (wait > 0 ? ",\"wait\":" + wait : "") + "}");
            return answer == null ? null
                    : (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Json.parse(answer)).get("channels")).get(channel);
        }

        /** Applies a poll page's updates; how many were applied, or -1 on a reset or a gap. */
        int apply(Map<?, ?> page) {
            if (truthy(page.get("reset"))) {
                return -1;
            }
            int applied = 0;
            for (Object o : (List<?>) page.get("messages")) {
                Map<?, ?> message = (Map<?, ?>) o;
                if (!UPDATE.equals(message.get("event"))) {
                    continue;
                }
                Map<?, ?> payload = (Map<?, ?>) message.get("payload");
                long v = ((Number) payload.get("version")).longValue();
                if (v <= held) {
                    continue;
                }
                if (v > held + 1) {
                    return -1;
                }
                if (payload.get("users") instanceof List<?> all) {
                    users.clear();
                    for (Object u : all) {
                        users.put((String) ((Map<?, ?>) u).get("id"), Json.write(((Map<?, ?>) u).get("info")));
                    }
                } else {
                    for (Object id : (List<?>) payload.get("left")) {
                        users.remove((String) id);
                    }
                    for (Object u : (List<?>) payload.get("changed")) {
                        users.put((String) ((Map<?, ?>) u).get("id"), Json.write(((Map<?, ?>) u).get("info")));
                    }
                }
                held = v;
                applied++;
            }
            cursor = ((Number) page.get("lastId")).longValue();
            return applied;
        }

        /** Polls (no wait) until nothing more is new; false on a reset or a gap. */
        boolean follow() {
            for (int k = 0; k < 10_000; k++) {
                Map<?, ?> page = poll(String.valueOf(cursor), 0);
                if (page == null || apply(page) < 0) {
                    return false;
                }
                if (!truthy(page.get("more"))) {
                    return true;
                }
            }
            return true;
        }
    }

    static String stats(List<Integer> values) {
        List<Integer> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.isEmpty() ? "n/a n/a 0"
                : String.format(Locale.ROOT, "%.0f", Double.parseDouble(medianOf(sorted))) + " "
                + sorted.get(sorted.size() - 1) + " " + sorted.size();
    }

    static String medianOf(List<? extends Number> sorted) {
        int n = sorted.size();
        double m = n % 2 == 1 ? sorted.get(n / 2).doubleValue()
                : (sorted.get(n / 2 - 1).doubleValue() + sorted.get(n / 2).doubleValue()) / 2;
        return fmt(m);
    }

    static String median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.isEmpty() ? "n/a" : medianOf(sorted);
    }

    static String list(List<Double> values) {
        return values.stream().map(CableBench::fmt).collect(java.util.stream.Collectors.joining(","));
    }

    /**
     * Scenario P: fills a channel to --members with --clients concurrent joins, then measures churn
     * (leave + join back) at that size and on a --small channel, the presence:update bytes, and
     * how long a newly arriving client takes to hold the exact list while the churn goes on.
     */
    static void presence(Map<String, String> o) throws Exception {
        String url = required(o, "url");
        String prefix = o.getOrDefault("prefix", "room");
        int members = int0(o, "members", 10_000);
        int small = int0(o, "small", 100);
        int clients = int0(o, "clients", 16);
        int seconds = int0(o, "seconds", 15);
        int runs = int0(o, "runs", 3);
        int warmup = int0(o, "warmup", 10);
        int arrivals = int0(o, "arrivals", 5);
        int followSeconds = int0(o, "follow", 2);
        long fillBudget = Long.parseLong(o.getOrDefault("budget", "900")) * 1000;
        String counter = o.get("counter"); // optional: a shell command printing the backend's command count
        String big = prefix + ":" + members;
        String little = prefix + ":" + small;
        ExecutorService threads = threads();
        HttpClient http = client(threads);
        out("virtual_threads", virtualThreads);
        out("channel", big);
        out("baseline_channel", little);

        // the small room and an unmeasured warm-up on it (and on a room of the big one's ids)
        presenceFill(http, threads, url, little, small, clients, fillBudget);
        if (warmup > 0) {
            System.err.printf("  presence warm-up: %d s of churn on %s%n", warmup, little);
            Churn w = new Churn(http, threads, url, little, small, clients);
            Thread.sleep(warmup * 1000L);
            w.finish();
        }
        long errorsBefore = PT.statusErrors.get() + PT.ioErrors.get();

        // fill
        System.err.printf("  presence fill: %,d members on %s with %d clients%n", members, big, clients);
        double fillSeconds = presenceFill(http, threads, url, big, members, clients, fillBudget);
        Roster check = new Roster(http, url, big);
        Map<String, String> present = new java.util.TreeMap<>();
        Map<?, ?>[] read = check.readAll(present);
        int count = read == null ? -1 : ((Number) read[0].get("count")).intValue();
        out("fill_seconds", fmt(fillSeconds));
        out("fill_members", count);
        out("fill_complete", count == members);
        out("fill_joins_per_second", fmt(Math.max(0, count) / fillSeconds));
        System.err.printf("  filled %,d members in %.1f s%n", count, fillSeconds);

        // churn, big and small rooms in alternating order
        List<Double> bigOps = new ArrayList<>(), smallOps = new ArrayList<>(), ratios = new ArrayList<>();
        List<Double> bigJoins = new ArrayList<>(), bigLeaves = new ArrayList<>();
        List<Double> smallJoins = new ArrayList<>(), smallLeaves = new ArrayList<>();
        List<Integer> bigBytes = new ArrayList<>(), smallBytes = new ArrayList<>();
        List<Double> bigCommands = new ArrayList<>(), smallCommands = new ArrayList<>();
        long gaps = 0, resets = 0;
        for (int run = 1; run <= runs; run++) {
            double b = 0, s = 0;
            for (boolean isBig : run % 2 == 1 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                String channel = isBig ? big : little;
                Follower follower = new Follower(http, url, channel);
                follower.once(0); // the cursor at the head
                Thread followerThread = startThread(follower);
                long commands0 = counter == null ? 0 : counter(counter);
                Churn churn = new Churn(http, threads, url, channel, isBig ? members : small, clients);
                long t0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                churn.stop = true;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long j = churn.joins.get(), l = churn.leaves.get();
                if (counter != null) {
                    // the in-flight requests finish after the count of changes: a small overcount
                    (isBig ? bigCommands : smallCommands).add((counter(counter) - commands0) / (double) Math.max(1, j + l));
                }
                churn.finish();
                follower.stop = true;
                followerThread.join(60_000);
                gaps += follower.gaps.get();
                resets += follower.resets.get();
                double ops = (j + l) / elapsed;
                (isBig ? bigBytes : smallBytes).addAll(follower.bytes);
                if (isBig) {
                    b = ops;
                    bigOps.add(ops);
                    bigJoins.add(j / elapsed);
                    bigLeaves.add(l / elapsed);
                } else {
                    s = ops;
                    smallOps.add(ops);
                    smallJoins.add(j / elapsed);
                    smallLeaves.add(l / elapsed);
                }
                System.err.printf("  churn run %d on %s: %.0f joins/s + %.0f leaves/s, %d updates followed%n",
                        run, channel, j / elapsed, l / elapsed, follower.bytes.size());
            }
            ratios.add(s > 0 ? b / s : 0);
        }
        out("churn_big_ops_per_second", median(bigOps));
        out("churn_big_runs", list(bigOps));
        out("churn_big_joins_per_second", median(bigJoins));
        out("churn_big_leaves_per_second", median(bigLeaves));
        out("churn_small_ops_per_second", median(smallOps));
        out("churn_small_runs", list(smallOps));
        out("churn_small_joins_per_second", median(smallJoins));
        out("churn_small_leaves_per_second", median(smallLeaves));
        List<Double> sortedRatios = ratios.stream().sorted().toList();
        int nr = sortedRatios.size();
        out("churn_ratio", nr == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", nr % 2 == 1 ? sortedRatios.get(nr / 2)
                : (sortedRatios.get(nr / 2 - 1) + sortedRatios.get(nr / 2)) / 2));
        out("churn_ratio_runs", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r))
                .collect(java.util.stream.Collectors.joining(",")));
        String[] bb = stats(bigBytes).split(" "), sb = stats(smallBytes).split(" ");
        out("bytes_big_median", bb[0]);
        out("bytes_big_max", bb[1]);
        out("bytes_big_updates", bb[2]);
        out("bytes_small_median", sb[0]);
        out("bytes_small_max", sb[1]);
        out("bytes_small_updates", sb[2]);
        out("backend_commands_per_change_big", median(bigCommands));
        out("backend_commands_per_change_small", median(smallCommands));
        out("follower_gaps", gaps);
        out("follower_resets", resets);

        // newly arriving clients while the churn goes on
        List<Double> arrivalMillis = new ArrayList<>();
        int exact = 0, built = 0, restarts = 0;
        long replayed = 0;
        StringBuilder mismatches = new StringBuilder();
        Churn churn = new Churn(http, threads, url, big, members, clients);
        double churnSeconds = 0;
        long churnOps = 0;
        for (int a = 1; a <= arrivals; a++) {
            Thread.sleep(1000); // the churn runs before the client arrives
            long opsBefore = churn.joins.get() + churn.leaves.get();
            long tc = System.nanoTime();
            Roster arriving = new Roster(http, url, big);
            long t0 = System.nanoTime();
            boolean ok = arriving.build(System.currentTimeMillis() + 120_000);
            double ms = (System.nanoTime() - t0) / 1e6;
            restarts += arriving.restarts;
            replayed += arriving.replayed;
            if (ok) {
                built++;
                arrivalMillis.add(ms);
            }
            // go on following while the churn continues, then stop it, catch up, compare with a fresh read
            long followUntil = System.currentTimeMillis() + followSeconds * 1000L;
            boolean following = ok;
            while (following && System.currentTimeMillis() < followUntil) {
                following = arriving.follow();
                Thread.sleep(50);
            }
            churn.pause();
            churnOps += churn.joins.get() + churn.leaves.get() - opsBefore;
            churnSeconds += (System.nanoTime() - tc) / 1e9;
            Map<String, String> fresh = new java.util.TreeMap<>();
            Map<?, ?>[] freshRead = new Roster(http, url, big).readAll(fresh);
            long version = freshRead == null ? -1 : ((Number) freshRead[1].get("version")).longValue();
            int freshCount = freshRead == null ? -1 : ((Number) freshRead[1].get("count")).intValue();
            boolean caughtUp = following;
            long until = System.currentTimeMillis() + 30_000;
            while (caughtUp && arriving.held < version && System.currentTimeMillis() < until) {
                caughtUp = arriving.follow();
                Thread.sleep(20);
            }
            boolean same = ok && caughtUp && freshRead != null && arriving.held == version
                    && freshCount == fresh.size() && arriving.users.equals(fresh);
            if (same) {
                exact++;
            } else {
                mismatches.append(String.format(Locale.ROOT, "arrival %d: built=%s caughtUp=%s held=%d version=%d "
                                + "client=%d fresh=%d count=%d; ", a, ok, caughtUp, arriving.held, version,
                        arriving.users.size(), fresh.size(), freshCount));
            }
            System.err.printf("  arrival %d: list of %,d built in %.0f ms (%d pages, %d updates replayed, %d restarts),"
                            + " exact: %s%n", a, arriving.users.size(), ms, arriving.pages, arriving.replayed,
                    arriving.restarts, same ? "yes" : "no");
            churn.paused = false;
        }
        churn.finish();
        out("arrivals", arrivals);
        out("arrivals_built", built);
        out("arrivals_exact", exact);
        out("arrival_ms_median", median(arrivalMillis));
        out("arrival_ms_runs", arrivalMillis.stream().map(m -> String.format(Locale.ROOT, "%.0f", m))
                .collect(java.util.stream.Collectors.joining(",")));
        out("arrival_restarts", restarts);
        out("arrival_updates_replayed", replayed);
        out("arrival_churn_ops_per_second", fmt(churnSeconds > 0 ? churnOps / churnSeconds : 0));
        out("arrival_mismatches", mismatches.toString().trim());
        Map<String, String> last = new java.util.TreeMap<>();
        Map<?, ?>[] end = new Roster(http, url, big).readAll(last);
        out("final_members", end == null ? -1 : ((Number) end[0].get("count")).intValue());
        out("error_responses", PT.statusErrors.get());
        out("error_statuses", PT.statuses.toString().replace(" ", ""));
        out("io_errors", PT.ioErrors.get());
        out("io_error_kinds", PT.ioSummary());
        out("errors_during_warmup", errorsBefore);
    }

    // ---------------------------------------------------------------- plumbing

    static ExecutorService threads() {
        try {
            ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            virtualThreads = true;
            return virtual;
        } catch (ReflectiveOperationException e) {
            virtualThreads = false;
            System.err.println("  no virtual threads in this JDK (use 21+): platform threads with 256 KiB stacks");
            return Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(null, r, "client", 256 * 1024);
                t.setDaemon(true);
                return t;
            });
        }
    }

    static Thread startThread(Runnable r) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (Thread) builder.getClass().getMethod("start", Runnable.class).invoke(builder, r);
        } catch (ReflectiveOperationException e) {
            Thread t = new Thread(null, r, "send", 256 * 1024);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** HTTP/1.1 explicitly: the JDK client otherwise tries an h2c upgrade on every new connection. */
    static HttpClient client(ExecutorService executor) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (executor != null) {
            b.executor(executor);
        }
        return b.build();
    }

    static HttpRequest.Builder post(String url, String json, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    static HttpRequest request(String url, String json, Duration timeout) {
        return post(url, json, timeout).build();
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static long micros() {
        return (System.nanoTime() - T0) / 1000;
    }

    static void sleep(long millis) throws InterruptedException {
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    static boolean truthy(Object o) {
        return Boolean.TRUE.equals(o);
    }

    static String fmt(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.1f", d);
    }

    static void out(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw usage("expected --name value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw usage("--" + key + " is required");
        }
        return v;
    }

    static int int0(Map<String, String> o, String key, int def) {
        return Integer.parseInt(o.getOrDefault(key, String.valueOf(def)));
    }

    static RuntimeException usage(String why) {
        System.err.println("CableBench: " + why + "\nusage: java bench/CableBench.java emit|empty-body|msgs-body|e2e|idle|presence"
                + " --url http://127.0.0.1:18080 [options] (see the class comment)");
        System.exit(2);
        return new IllegalStateException(why);
    }

    static RuntimeException fail(String why) {
        System.out.println("error=" + why.replace('\n', ' '));
        System.err.println("CableBench: " + why);
        System.exit(1);
        return new IllegalStateException(why);
    }

    static String quote(String s) {
        return Json.write(s);
    }

    // ---------------------------------------------------------------- minimal JSON

    /** Just enough JSON for Cable's answers: objects, arrays, strings, numbers (Long or Double), literals. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json p = new Json(text);
            Object v = p.value();
            p.skip();
            if (p.i != text.length()) {
                throw new IllegalArgumentException("trailing characters in JSON at " + p.i);
            }
            return v;
        }

        static String write(Object v) {
            StringBuilder b = new StringBuilder();
            write(v, b);
            return b.toString();
        }

        private static void write(Object v, StringBuilder b) {
            if (v == null) {
                b.append("null");
            } else if (v instanceof String str) {
                b.append('"');
                for (char c : str.toCharArray()) {
                    switch (c) {
                        case '"' -> b.append("\\\"");
                        case '\\' -> b.append("\\\\");
                        default -> {
                            if (c < 0x20) {
                                b.append(String.format("\\u%04x", (int) c));
                            } else {
                                b.append(c);
                            }
                        }
                    }
                }
                b.append('"');
            } else if (v instanceof Map<?, ?> map) {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    b.append(first ? "" : ",");
                    first = false;
                    write(String.valueOf(e.getKey()), b);
                    b.append(':');
                    write(e.getValue(), b);
                }
                b.append('}');
            } else if (v instanceof List<?> list) {
                b.append('[');
                for (int k = 0; k < list.size(); k++) {
                    b.append(k == 0 ? "" : ",");
                    write(list.get(k), b);
                }
                b.append(']');
            } else {
                b.append(v);
            }
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value() {
            skip();
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    Map<String, Object> map = new LinkedHashMap<>();
                    i++;
                    skip();
                    if (s.charAt(i) == '}') {
                        i++;
                        return map;
                    }
                    while (true) {
                        skip();
                        String key = string();
                        skip();
                        expect(':');
                        map.put(key, value());
                        skip();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return map;
                        }
                    }
                }
                case '[': {
                    List<Object> list = new ArrayList<>();
                    i++;
                    skip();
                    if (s.charAt(i) == ']') {
                        i++;
                        return list;
                    }
                    while (true) {
                        list.add(value());
                        skip();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return list;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("bad JSON literal at " + i);
            }
            i += word.length();
            return value;
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("bad JSON at " + start);
            }
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' in JSON at " + i);
            }
            i++;
        }
    }
}
