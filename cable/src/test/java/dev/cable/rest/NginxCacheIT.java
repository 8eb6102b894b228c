package dev.cable.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The cacheable GET poll behind a real reverse proxy: Debian's nginx, configured as in
 * docs/protocol.md (proxy_cache with proxy_cache_lock and proxy_cache_revalidate), in front of one
 * Cable node (embedded H2). Many clients poll a public channel through nginx while events are
 * published: every client gets every event exactly once and in order, and only a small fraction of
 * their polls reaches Cable.
 */
@ExtendWith(ArquillianExtension.class)
public class NginxCacheIT {

    static final String PUBLISH = "nginx-it-" + UUID.randomUUID();
    static final int CLIENTS = 200;
    static final int EVENTS = 8;
    static final long CLIENT_PAUSE_MILLIS = 200;
    static final long PUBLISH_EVERY_MILLIS = 400;

    static Process nginx;

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(8)).build();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        Map<String, String> config = CableDeployment.database("h2");
        config.put("cable.publish.token", PUBLISH);
        config.put("cable.public-channels", "scores:*");
        return CableDeployment.war(config);
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.destroy();
        }
    }

    /** Starts nginx on a free port in front of the deployed node; answers its base URI. */
    private URI startNginx() throws Exception {
        Path dir = Path.of(System.getProperty("cable.it.screenshots", "target"), "nginx-it").toAbsolutePath();
        Files.createDirectories(dir.resolve("cache"));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String poll = deployed.getPath() + "cable/poll";
        String conf = """
                daemon off;
                worker_processes 1;
                %s
                pid %s/nginx.pid;
                error_log %s/error.log warn;
                events { worker_connections 1024; }
                http {
                    access_log %s/access.log;
                    client_body_temp_path %s/client_temp;
                    proxy_temp_path %s/proxy_temp;
                    fastcgi_temp_path %s/fastcgi_temp;
                    uwsgi_temp_path %s/uwsgi_temp;
                    scgi_temp_path %s/scgi_temp;
                    proxy_cache_path %s/cache keys_zone=cable_polls:1m max_size=10m inactive=1m use_temp_path=off;
                    upstream cable {
                        server 127.0.0.1:%d;
                        keepalive 16;
                    }
                    server {
                        listen 127.0.0.1:%d;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header X-Forwarded-For $remote_addr;
                        location = %s {
                            proxy_pass http://cable;
                            proxy_cache cable_polls;
                            proxy_cache_key $scheme$host$request_uri;
                            proxy_cache_bypass $http_authorization;
                            proxy_no_cache $http_authorization;
                            proxy_cache_lock on;
                            proxy_cache_lock_timeout 2s;
                            proxy_cache_revalidate on;
                            proxy_cache_use_stale updating;
                            add_header X-Cache-Status $upstream_cache_status always;
                        }
                        location / {
                            proxy_pass http://cable;
                        }
                    }
                }
                """.formatted("root".equals(System.getProperty("user.name")) ? "user root;" : "",
                dir, dir, dir, dir, dir, dir, dir, dir, dir, deployed.getPort(), port, poll);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        String binary = new File("/usr/sbin/nginx").canExecute() ? "/usr/sbin/nginx" : "nginx";
        nginx = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            assertTrue(nginx.isAlive(), "nginx exited: " + Files.readString(dir.resolve("stdout.log"))
                    + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return URI.create("http://127.0.0.1:" + port + deployed.getPath());
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nginx did not listen on " + port + " within 20 s");
    }

    private URI direct() {
        return URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath());
    }

    private long publish(String channel, String event) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(direct().resolve("cable/publish"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + PUBLISH)
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":" + Json.createValue(channel)
                        + ",\"event\":\"" + event + "\",\"payload\":1}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonNumber("id").longValue();
    }

    /** This node's {@code cable_polls_total}: every poll that reached Cable, cached or not. */
    private long pollsReachingCable() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(direct().resolve("/metrics?scope=application"))
                .header("Accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^cable_polls_total(?:\\{[^}]*})? ([0-9.eE+]+)$").matcher(metrics);
        assertTrue(m.find(), "no cable_polls_total in /metrics");
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    public void nginxCollapsesIdenticalPollsOfAPublicChannelAndEveryClientGetsEveryEventOnce() throws Exception {
        URI proxy = startNginx();
        String channel = "scores:" + UUID.randomUUID();
        long start = publish(channel, "kick-off");
        URI pollUri = proxy.resolve("cable/poll?channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "&after=");

        long pollsBefore = pollsReachingCable();
        List<Long> published = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, List<Long>> received = new ConcurrentHashMap<>();
        Map<String, Integer> cacheStatus = new ConcurrentHashMap<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger requests = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        ExecutorService clients = Executors.newFixedThreadPool(64);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            received.put(client, Collections.synchronizedList(new ArrayList<>()));
            clients.execute(() -> {
                long cursor = start;
                while (System.nanoTime() < deadline && received.get(client).size() < EVENTS) {
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(pollUri + Long.toString(cursor)))
                                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        requests.incrementAndGet();
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        cacheStatus.merge(response.headers().firstValue("X-Cache-Status").orElse("(none)"), 1, Integer::sum);
                        if (response.statusCode() == 200) {
                            JsonObject page = Json.createReader(new StringReader(response.body())).readObject()
                                    .getJsonObject("channels").getJsonObject(channel);
                            page.getJsonArray("messages").forEach(m ->
                                    received.get(client).add(m.asJsonObject().getJsonNumber("id").longValue()));
                            cursor = page.getJsonNumber("lastId").longValue();
                        }
                        Thread.sleep(CLIENT_PAUSE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        statuses.merge(-1, 1, Integer::sum);
                    }
                }
            });
        }
        for (int i = 0; i < EVENTS; i++) {
            Thread.sleep(PUBLISH_EVERY_MILLIS);
            published.add(publish(channel, "goal-" + i));
        }
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS));
        long reachedCable = pollsReachingCable() - pollsBefore;

        System.out.println("NGINX-CACHE clients=" + CLIENTS + " events=" + EVENTS + " requests=" + requests.get()
                + " reachedCable=" + reachedCable + " (" + String.format("%.1f", 100.0 * reachedCable / requests.get())
                + " %) statuses=" + new TreeMap<>(statuses) + " cache=" + new TreeMap<>(cacheStatus));
        int complete = 0;
        for (Map.Entry<Integer, List<Long>> entry : received.entrySet()) {
            assertEquals(published, entry.getValue(), "client " + entry.getKey() + " got every event once, in order");
            complete++;
        }
        assertEquals(CLIENTS, complete);
        assertEquals(Map.of(200, requests.get()), new TreeMap<>(statuses), "only 200s through the cache");
        assertTrue(reachedCable * 10 < requests.get(), reachedCable + " of " + requests.get()
                + " polls reached Cable: nginx should answer at least 90 % from its cache");
    }
}
