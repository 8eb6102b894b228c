package dev.cable.demo;

import jakarta.json.spi.JsonProvider;
import dev.cable.Cable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's own endpoints, in the demo's own JAX-RS application ({@link DemoApplication}): a
 * name-only login (anyone may pick a name: never deploy the demo in production) and sending a chat
 * message.
 */
@Path("")
@ApplicationScoped
public class DemoResource {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The chat room's channel. */
    public static final String CHAT = "demo:chat";
    static final int MAX_NAME = 40;
    static final int MAX_TEXT = 500;

    @Inject
    Cable cable;

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response login(InputStream body, @Context HttpServletRequest request) {
        String name = text(body, "name", MAX_NAME);
        if (name == null) {
            return error(400, "\"name\" must be 1-" + MAX_NAME + " printable characters");
        }
        DemoUser user = new DemoUser(UUID.randomUUID().toString().substring(0, 8), name);
        request.getSession(true).setAttribute(DemoIdentity.SESSION_USER, user);
        return Response.ok(JSON.createObjectBuilder().add("id", user.id()).add("name", user.name()).build().toString())
                .build();
    }

    @GET
    @Path("me")
    @Produces(MediaType.APPLICATION_JSON)
    public Response me(@Context HttpServletRequest request) {
        DemoUser user = user(request);
        if (user == null) {
            return error(401, "not logged in to the demo");
        }
        return Response.ok(JSON.createObjectBuilder().add("id", user.id()).add("name", user.name()).build().toString())
                .build();
    }

    @POST
    @Path("chat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response chat(InputStream body, @Context HttpServletRequest request) {
        DemoUser user = user(request);
        if (user == null) {
            return error(401, "log in to the demo first");
        }
        String text = text(body, "text", MAX_TEXT);
        if (text == null) {
            return error(400, "\"text\" must be 1-" + MAX_TEXT + " characters");
        }
        long id = cable.to(CHAT).emit("message:new", Map.of("userId", user.id(), "user", user.name(),
                "text", text, "at", Instant.now().toString())).id();
        return Response.ok(JSON.createObjectBuilder().add("id", id).build().toString()).build();
    }

    private static DemoUser user(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(DemoIdentity.SESSION_USER) instanceof DemoUser u ? u : null;
    }

    /** The trimmed string field, or null if the body is not an object with a valid one. */
    private static String text(InputStream body, String field, int max) {
        try (var reader = JSON.createReader(body)) {
            JsonObject object = reader.readObject();
            if (!(object.get(field) instanceof JsonString s)) {
                return null;
            }
            String value = s.getString().strip();
            boolean printable = value.codePoints().noneMatch(Character::isISOControl);
            return value.isEmpty() || value.length() > max || !printable ? null : value;
        } catch (JsonException | ClassCastException e) {
            return null;
        }
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(JSON.createObjectBuilder().add("error", message).build().toString()).build();
    }
}
