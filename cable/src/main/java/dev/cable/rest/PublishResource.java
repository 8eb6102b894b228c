package dev.cable.rest;

import jakarta.json.spi.JsonProvider;
import dev.cable.Cable;
import dev.cable.CableException;
import dev.cable.CableNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /cable/publish}: emit from other languages or operations scripts, with a bearer token
 * ({@code cable.publish.token}; without one the endpoint does not exist). Every message of a request
 * is validated before the first is stored; each is then stored on its own.
 */
@CableEndpoint
@Path("publish")
@ApplicationScoped
public class PublishResource {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    Cable cable;

    @Inject
    @ConfigProperty(name = "cable.publish.token")
    Optional<String> token;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, InputStream body) {
        String expected = token.filter(t -> !t.isBlank()).orElseThrow(NotFoundException::new);
        if (!authorized(authorization, expected)) {
            return ErrorBody.builder(401, "a valid \"Authorization: Bearer <cable.publish.token>\" header is required")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cable\"")
                    .build();
        }
        JsonObject request = JsonBodies.readObject(body);
        List<Outgoing> outgoing = outgoing(request);
        JsonArrayBuilder ids = JSON.createArrayBuilder();
        long last = 0;
        for (Outgoing o : outgoing) {
            last = cable.emit(o.channel(), o.event(), o.payload(), o.idempotencyKey()).id();
            ids.add(last);
        }
        JsonObject answer = request.containsKey("messages")
                ? JSON.createObjectBuilder().add("ids", ids).build()
                : JSON.createObjectBuilder().add("id", last).build();
        return Response.ok(answer.toString()).build();
    }

    private List<Outgoing> outgoing(JsonObject request) {
        if (!request.containsKey("messages")) {
            return List.of(validated(request));
        }
        JsonValue messages = request.get("messages");
        if (messages.getValueType() != JsonValue.ValueType.ARRAY || messages.asJsonArray().isEmpty()) {
            throw new CableException("\"messages\" must be a non-empty array of {channel, event, payload}");
        }
        List<Outgoing> result = new ArrayList<>();
        for (JsonValue m : messages.asJsonArray()) {
            if (m.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new CableException("every entry of \"messages\" must be an object, not " + JsonBodies.typeOf(m));
            }
            result.add(validated(m.asJsonObject()));
        }
        return result;
    }

    private Outgoing validated(JsonObject message) {
        String channel = CableNames.requireChannel(JsonBodies.requiredString(message, "channel"));
        String event = CableNames.requireEvent(JsonBodies.requiredString(message, "event"));
        JsonValue payload = message.getOrDefault("payload", JsonValue.NULL);
        if (payload.toString().getBytes(StandardCharsets.UTF_8).length > cable.maxPayloadBytes()) {
            throw new CableException(CableException.Reason.TOO_LARGE, "the payload is larger than "
                    + "cable.max-payload-bytes (" + cable.maxPayloadBytes() + " bytes of JSON)");
        }
        String key = message.containsKey("idempotencyKey")
                ? CableNames.requireIdempotencyKey(JsonBodies.requiredString(message, "idempotencyKey")) : null;
        return new Outgoing(channel, event, payload, key);
    }

    private static boolean authorized(String header, String expected) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
    }

    private record Outgoing(String channel, String event, JsonValue payload, String idempotencyKey) {
    }
}
