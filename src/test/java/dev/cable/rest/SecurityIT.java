package dev.cable.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cable.CableDeployment;
import dev.cable.ChannelTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Private channels, signed channel tokens, token-based presence identity, the per-client rate limit
 * and the allowed-origins check, as an HTTP client sees them (H2 backend).
 */
@ExtendWith(ArquillianExtension.class)
public class SecurityIT {

    static final String SECRET = "security-it-" + UUID.randomUUID() + "-long-enough-secret";
    static final String PUBLISH = "publish-" + UUID.randomUUID();
    static final String APP_ORIGIN = "https://app.example";

    @ArquillianResource
    URL deployed;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ChannelTokens tokens = new ChannelTokens(Optional.of(SECRET));
    /** Each test is its own client address for the rate limit (X-Forwarded-For is trusted here). */
    private final String client = "10.0." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        Map<String, String> config = new LinkedHashMap<>(CableDeployment.database("h2"));
        config.put("cable.secret", SECRET);
        config.put("cable.publish.token", PUBLISH);
        config.put("cable.rate-limit.per-second", "5");
        config.put("cable.rate-limit.forwarded", "true");
        config.put("cable.allowed-origins", APP_ORIGIN);
        return CableDeployment.war(config);
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + deployed.getPort() + deployed.getPath() + path);
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.header("X-Forwarded-For", client).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response);
    }

    private Answer post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private void publish(String channel, String event) throws Exception {
        Answer a = send(HttpRequest.newBuilder(uri("cable/publish")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + PUBLISH).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"channel\":" + Json.createValue(channel) + ",\"event\":\"" + event + "\",\"payload\":1}")));
        assertEquals(200, a.status(), a.body());
    }

    private static String q(String s) {
        return Json.createValue(s).toString();
    }

    @Test
    public void aPrivateChannelWithoutTokenIsRefusedAndNothingElseOfTheRequestLeaks() throws Exception {
        String open = "public:" + UUID.randomUUID();
        String secret = "private-room:" + UUID.randomUUID();
        publish(open, "visible");
        Answer answer = post("cable/poll", "{\"channels\":{" + q(open) + ":0," + q(secret) + ":0}}");
        assertEquals(403, answer.status());
        assertTrue(answer.json().getString("error").contains(secret), "names the channel");
        assertFalse(answer.body().contains("visible"), "no event of the public channel comes with the refusal");
        assertEquals(403, post("cable/poll", "{\"channels\":{\"presence-lobby\":null}}").status());
    }

    @Test
    public void aValidTokenOpensExactlyItsChannelUntilItExpires() throws Exception {
        String channel = "private-room:" + UUID.randomUUID();
        publish(channel, "secret-news");
        String token = tokens.issue(channel, null, null, Duration.ofMinutes(5));
        Answer answer = post("cable/poll", "{\"channels\":{" + q(channel) + ":0},\"tokens\":{" + q(channel) + ":" + q(token) + "}}");
        assertEquals(200, answer.status(), answer.body());
        assertEquals("secret-news", answer.json().getJsonObject("channels").getJsonObject(channel)
                .getJsonArray("messages").getJsonObject(0).getString("event"));

        String other = "private-room:" + UUID.randomUUID();
        assertEquals(403, post("cable/poll", "{\"channels\":{" + q(other) + ":0},\"tokens\":{" + q(other) + ":" + q(token) + "}}").status(),
                "a token for another channel");
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        assertEquals(403, post("cable/poll", "{\"channels\":{" + q(channel) + ":0},\"tokens\":{" + q(channel) + ":" + q(forged) + "}}").status(),
                "a forged signature");
        String foreign = new ChannelTokens(Optional.of("another-secret-that-is-also-long-enough!"))
                .issue(channel, null, null, Duration.ofMinutes(5));
        assertEquals(403, post("cable/poll", "{\"channels\":{" + q(channel) + ":0},\"tokens\":{" + q(channel) + ":" + q(foreign) + "}}").status(),
                "signed with another secret");
        String expiring = tokens.issue(channel, null, null, Duration.ofSeconds(1));
        Thread.sleep(2100);
        assertEquals(403, post("cable/poll", "{\"channels\":{" + q(channel) + ":0},\"tokens\":{" + q(channel) + ":" + q(expiring) + "}}").status(),
                "an expired token");
        assertEquals(400, post("cable/poll", "{\"channels\":{" + q(channel) + ":0},\"tokens\":{" + q(channel) + ":5}}").status());
    }

    @Test
    public void aPresenceTokenSaysWhoTheCallerIsNotTheRequestBody() throws Exception {
        String channel = "presence-room:" + UUID.randomUUID();
        String token = tokens.issue(channel, "alice", Map.of("name", "Alice"), Duration.ofMinutes(5));
        Answer joined = post("cable/presence/join", "{\"channel\":" + q(channel) + ",\"token\":" + q(token)
                + ",\"info\":{\"name\":\"Mallory\"}}");
        assertEquals(200, joined.status(), joined.body());
        JsonObject user = joined.json().getJsonArray("users").getJsonObject(0);
        assertEquals("alice", user.getString("id"));
        assertEquals("Alice", user.getJsonObject("info").getString("name"), "the token's info, not the body's");

        assertEquals(403, post("cable/presence/join", "{\"channel\":" + q(channel) + "}").status(), "no token");
        assertEquals(403, send(HttpRequest.newBuilder(uri("cable/presence/users?channel="
                + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8))).GET()).status());
        Answer listed = send(HttpRequest.newBuilder(uri("cable/presence/users?channel="
                + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8) + "&token=" + token)).GET());
        assertEquals(200, listed.status(), listed.body());
        assertEquals(1, listed.json().getInt("count"));
    }

    @Test
    public void aFloodingClientGets429WithRetryAfterAndOthersAreUnaffected() throws Exception {
        int refused = 0;
        String retryAfter = null;
        long started = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            Answer a = post("cable/poll", "{\"channels\":{\"public:flood\":null}}");
            if (a.status() == 429) {
                refused++;
                retryAfter = a.raw().headers().firstValue("Retry-After").orElse(null);
                assertTrue(a.json().getString("error").contains("cable.rate-limit.per-second"));
            } else {
                assertEquals(200, a.status());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // a bucket of 10 refilled at 5/s lets at most 10 + 5 * elapsed through
        long mostAllowed = 10 + (long) Math.ceil(5 * seconds) + 1;
        assertTrue(refused >= 40 - mostAllowed, "refused " + refused + " of 40 in " + seconds + " s");
        assertTrue(refused > 0);
        assertTrue(retryAfter != null && Integer.parseInt(retryAfter) >= 1);
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(uri("cable/poll"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", "192.0.2.77")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"public:flood\":null}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, other.statusCode(), "another client keeps its own budget");
    }

    @Test
    public void onlyListedOriginsGetInAndGetCorsHeaders() throws Exception {
        Answer evil = send(HttpRequest.newBuilder(uri("cable/poll")).header("Content-Type", "application/json")
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"public:o\":null}}")));
        assertEquals(403, evil.status());
        Answer app = send(HttpRequest.newBuilder(uri("cable/poll")).header("Content-Type", "application/json")
                .header("Origin", APP_ORIGIN).POST(HttpRequest.BodyPublishers.ofString("{\"channels\":{\"public:o\":null}}")));
        assertEquals(200, app.status());
        assertEquals(APP_ORIGIN, app.raw().headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", app.raw().headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        Answer preflight = send(HttpRequest.newBuilder(uri("cable/poll")).header("Origin", APP_ORIGIN)
                .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, preflight.status());
        assertTrue(preflight.raw().headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
        assertEquals(APP_ORIGIN, preflight.raw().headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }
}
