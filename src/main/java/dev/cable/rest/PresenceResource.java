package dev.cable.rest;

import dev.cable.CableException;
import dev.cable.Presence;
import dev.cable.PresenceChanged;
import dev.cable.PresenceIdentity;
import dev.cable.PresenceMember;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /cable/presence/*} for cable.js: join, leave and heartbeat as the caller, and the member
 * list of a channel. The user is who {@link PresenceIdentity} says, never the request body unless
 * {@code cable.presence.client-user-id=true}.
 */
@Path("presence")
@ApplicationScoped
public class PresenceResource {

    static final String NOT_AUTHENTICATED = "presence needs an authenticated user (log in, or provide a "
            + "PresenceIdentity bean)";
    static final String CLIENT_USER_REFUSED = "a client-supplied \"user\" is refused: the user is the "
            + "authenticated caller (set cable.presence.client-user-id=true only for trusted clients)";

    @Inject
    Presence presence;

    @Inject
    PresenceIdentity identity;

    @Inject
    @ConfigProperty(name = "cable.presence.client-user-id")
    boolean clientUserId;

    @POST
    @Path("join")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response join(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        String user = user(request);
        JsonValue info = request.get("info");
        return members(presence.join(user, channel(request), session(request),
                info == null || info.getValueType() == JsonValue.ValueType.NULL ? null : info).users());
    }

    @POST
    @Path("heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response heartbeat(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        String user = user(request);
        return members(presence.heartbeat(user, channel(request), session(request)).users());
    }

    @POST
    @Path("leave")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response leave(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        String user = user(request);
        PresenceChanged change = presence.leave(user, channel(request), session(request));
        return members(change.users());
    }

    @GET
    @Path("users")
    @Produces(MediaType.APPLICATION_JSON)
    public Response users(@QueryParam("channel") String channel) {
        if (channel == null) {
            throw new CableException("the query parameter \"channel\" is required");
        }
        return members(presence.getUsers(channel));
    }

    /** Who the caller is; refuses a body-supplied user unless the application enabled it. */
    String user(JsonObject request) {
        if (request.containsKey("user")) {
            if (!clientUserId) {
                throw new ForbiddenUser(CLIENT_USER_REFUSED);
            }
            return JsonBodies.requiredString(request, "user");
        }
        return identity.currentUser().orElseThrow(() -> new UnauthenticatedUser(NOT_AUTHENTICATED));
    }

    private static String channel(JsonObject request) {
        return JsonBodies.requiredString(request, "channel");
    }

    private static String session(JsonObject request) {
        return request.containsKey("session") ? JsonBodies.requiredString(request, "session") : Presence.DEFAULT_SESSION;
    }

    private static Response members(List<PresenceMember> users) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        users.forEach(u -> list.add(Presence.member(u)));
        return Response.ok(Json.createObjectBuilder().add("users", list).add("count", users.size())
                .build().toString()).build();
    }

    /** 401: nobody is logged in. */
    static final class UnauthenticatedUser extends jakarta.ws.rs.NotAuthorizedException {
        private static final long serialVersionUID = 1L;

        UnauthenticatedUser(String message) {
            super(message, ErrorBody.response(401, message));
        }
    }

    /** 403: the client tried to choose its user id. */
    static final class ForbiddenUser extends jakarta.ws.rs.ForbiddenException {
        private static final long serialVersionUID = 1L;

        ForbiddenUser(String message) {
            super(message, ErrorBody.response(403, message));
        }
    }
}
