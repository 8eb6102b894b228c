package dev.cable.rest;

import dev.cable.Cable;
import dev.cable.CableException;
import dev.cable.CableMessage;
import dev.cable.CableNames;
import dev.cable.MessagePage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code POST /cable/poll}: one request for many channels, each with the last id the client saw
 * (docs/protocol.md). Asynchronous so a later long-poll can park the request without a thread.
 */
@Path("poll")
@ApplicationScoped
public class PollResource {

    @Inject
    Cable cable;

    @Inject
    @ConfigProperty(name = "cable.poll.max-channels")
    int maxChannels;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public void poll(InputStream body, @Suspended AsyncResponse response) {
        try {
            Map<String, Long> cursors = parse(JsonBodies.readObject(body));
            response.resume(answer(cursors).toString());
        } catch (RuntimeException e) {
            response.resume(e);
        }
    }

    Map<String, Long> parse(JsonObject request) {
        JsonValue channels = request.get("channels");
        if (channels == null || channels.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new CableException("\"channels\" must be an object mapping channel names to the last id "
                    + "seen (or null), e.g. {\"channels\": {\"chat:42\": 17}}");
        }
        JsonObject map = channels.asJsonObject();
        if (map.isEmpty()) {
            throw new CableException("\"channels\" is empty; name at least one channel");
        }
        if (map.size() > maxChannels) {
            throw new CableException("a poll may name at most cable.poll.max-channels (" + maxChannels
                    + ") channels, this one names " + map.size());
        }
        Map<String, Long> cursors = new LinkedHashMap<>();
        map.forEach((channel, cursor) -> cursors.put(CableNames.requireChannel(channel),
                JsonBodies.cursor(channel, cursor)));
        return cursors;
    }

    private JsonObject answer(Map<String, Long> cursors) {
        JsonObjectBuilder channels = Json.createObjectBuilder();
        cursors.forEach((channel, lastId) -> {
            MessagePage page = lastId == null
                    ? MessagePage.empty(cable.lastId(channel))
                    : cable.getMessages(channel, lastId);
            channels.add(channel, toJson(page));
        });
        return Json.createObjectBuilder().add("channels", channels).build();
    }

    static JsonObject toJson(MessagePage page) {
        JsonArrayBuilder messages = Json.createArrayBuilder();
        for (CableMessage m : page.messages()) {
            messages.add(Json.createObjectBuilder()
                    .add("id", m.id())
                    .add("event", m.event())
                    .add("payload", parsePayload(m.payload()))
                    .add("created_at", m.createdAt().toString()));
        }
        return Json.createObjectBuilder()
                .add("messages", messages)
                .add("lastId", page.lastId())
                .add("more", page.more())
                .add("reset", page.reset())
                .build();
    }

    private static JsonValue parsePayload(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
