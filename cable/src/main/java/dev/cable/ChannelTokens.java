package dev.cable;

import jakarta.json.spi.JsonProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signed channel tokens: server code hands a page a token that lets it read (and be present in) one
 * private channel, as one user, until it expires — the way Pusher's channel auth works.
 *
 * <pre>{@code
 * @Inject ChannelTokens tokens;
 * String token = tokens.issue("private-chat:42", "alice", Map.of("name", "Alice"), Duration.ofHours(1));
 * // render it into the page; cable.js: client.subscribe("private-chat:42", handlers, {token})
 * }</pre>
 *
 * Format: {@code base64url(claims JSON) + "." + base64url(HMAC-SHA256(cable.secret, first part))},
 * claims {@code {"ch": channel, "sub": userId, "info": {...}, "exp": epochSeconds}}
 * (docs/protocol.md). Verification compares signatures in constant time.
 */
@ApplicationScoped
public class ChannelTokens {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    static final String NO_SECRET = "channel tokens need cable.secret (at least 32 characters of random text)";
    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Optional<String> secret = Optional.empty();

    /** For CDI proxies only. */
    protected ChannelTokens() {
    }

    @Inject
    public ChannelTokens(@ConfigProperty(name = "cable.secret") Optional<String> secret) {
        this.secret = secret.filter(s -> !s.isBlank());
        if (this.secret.isPresent() && this.secret.get().length() < 32) {
            throw new IllegalArgumentException("cable.secret must be at least 32 characters long");
        }
    }

    /** What a valid token grants. */
    public record Grant(String channel, Optional<String> userId, String info, Instant expires) {
    }

    /**
     * A token for one channel.
     *
     * @param userId the user the token speaks for (presence identity), or {@code null} for read-only
     * @param info   optional user info shown in presence lists (JSON-B serializable), or {@code null}
     * @throws CableException if {@code cable.secret} is not configured or the arguments are invalid
     */
    public String issue(String channel, String userId, Object info, Duration validFor) {
        CableNames.requireChannel(channel);
        if (validFor == null || validFor.isNegative() || validFor.isZero()) {
            throw new CableException("a channel token needs a positive validity, e.g. Duration.ofHours(1)");
        }
        JsonObjectBuilder claims = JSON.createObjectBuilder()
                .add("ch", channel)
                .add("exp", Instant.now().plus(validFor).getEpochSecond());
        if (userId != null) {
            claims.add("sub", CableNames.requireUser(userId));
        }
        if (info != null) {
            claims.add("info", JSON.createReader(new StringReader(JSONB.toJson(info))).readValue());
        }
        String body = ENCODER.encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + ENCODER.encodeToString(sign(body));
    }

    /**
     * Checks a token for a channel.
     *
     * @return what it grants, or empty if it is malformed, forged, expired, for another channel, or
     *         tokens are not configured
     */
    public Optional<Grant> verify(String token, String channel) {
        if (token == null || secret.isEmpty() || token.length() > 8192) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            String body = token.substring(0, dot);
            byte[] given = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(given, sign(body))) {
                return Optional.empty();
            }
            JsonObject claims = JSON.createReader(new StringReader(
                    new String(DECODER.decode(body), StandardCharsets.UTF_8))).readObject();
            Instant expires = Instant.ofEpochSecond(claims.getJsonNumber("exp").longValueExact());
            if (!channel.equals(claims.getString("ch")) || !expires.isAfter(Instant.now())) {
                return Optional.empty();
            }
            Optional<String> user = claims.get("sub") instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
            String info = claims.containsKey("info") ? claims.get("info").toString() : null;
            return Optional.of(new Grant(channel, user, info, expires));
        } catch (IllegalArgumentException | JsonException | ClassCastException | NullPointerException
                 | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(String body) {
        String key = secret.orElseThrow(() -> new CableException(NO_SECRET));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
