package dev.cable.rest;

import jakarta.json.spi.JsonProvider;
import dev.cable.CableException;
import dev.cable.CableNames;
import dev.cable.ChannelTokens;
import dev.cable.Presence;
import dev.cable.PresenceChanged;
import dev.cable.PresenceMember;
import dev.cable.PresencePage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
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
import java.util.Optional;
import dev.cable.internal.ChannelAccess;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /cable/presence/*} for cable.js: join, leave and heartbeat as the caller, and the member
 * list of a channel. The user is who a valid channel token or {@link dev.cable.PresenceIdentity} says, never
 * the request body unless {@code cable.presence.client-user-id=true}.
 */
@CableEndpoint
@Path("presence")
@ApplicationScoped
public class PresenceResource {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    static final String NOT_AUTHENTICATED = "presence needs an authenticated user (log in, or provide a "
            + "PresenceIdentity bean)";
    static final String CLIENT_USER_REFUSED = "a client-supplied \"user\" is refused: the user is the "
            + "authenticated caller (set cable.presence.client-user-id=true only for trusted clients)";

    @Inject
    Presence presence;

    @Inject
    CallerIdentity identity;

    @Inject
    ChannelAccess access;

    @Inject
    @ConfigProperty(name = "cable.presence.client-user-id")
    boolean clientUserId;

    @Inject
    InfoChangeLimit infoChanges;

    @POST
    @Path("join")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response join(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        Member member = member(request);
        JsonValue info = request.get("info");
        Object shown = member.tokenInfo() != null ? JsonBodies.parse(member.tokenInfo())
                : info == null || info.getValueType() == JsonValue.ValueType.NULL ? null : info;
        if (shown instanceof JsonValue value && member.tokenInfo() == null) {
            infoChanges.check(member.channel(), member.user(), value.toString());
        }
        return answer(presence.join(member.user(), member.channel(), session(request), shown));
    }

    @POST
    @Path("heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response heartbeat(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        Member member = member(request);
        return answer(presence.heartbeat(member.user(), member.channel(), session(request)));
    }

    @POST
    @Path("leave")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response leave(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        Member member = member(request);
        return answer(presence.leave(member.user(), member.channel(), session(request)));
    }

    /**
     * One page of the member list, asked with a JSON body ({@code channel}, optional {@code token},
     * {@code after}, {@code limit}; other fields are ignored): a channel token in a URL is kept by
     * access logs, proxies and Referer headers.
     */
    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response listUsers(InputStream body) {
        JsonObject request = JsonBodies.readObject(body);
        String token = request.containsKey("token") ? JsonBodies.requiredString(request, "token") : null;
        String after = request.containsKey("after") ? JsonBodies.requiredString(request, "after") : null;
        Integer limit = null;
        if (request.containsKey("limit")) {
            if (!(request.get("limit") instanceof jakarta.json.JsonNumber number) || !number.isIntegral()) {
                throw new CableException("\"limit\" must be an integer from 1 to " + Presence.MAX_PAGE);
            }
            limit = number.bigIntegerValue().min(java.math.BigInteger.valueOf(Integer.MAX_VALUE))
                    .max(java.math.BigInteger.valueOf(Integer.MIN_VALUE)).intValue();
        }
        return users(JsonBodies.requiredString(request, "channel"), token, after, limit);
    }

    /**
     * One page of the member list of a channel that needs no token; {@code token} in the query is
     * still accepted from older clients.
     */
    @GET
    @Path("users")
    @Produces(MediaType.APPLICATION_JSON)
    public Response users(@QueryParam("channel") String channel, @QueryParam("token") String token,
                          @QueryParam("after") String after, @QueryParam("limit") String limit) {
        Integer size = null;
        if (limit != null) {
            try {
                size = Integer.valueOf(limit);
            } catch (NumberFormatException e) {
                throw new CableException("\"limit\" must be an integer from 1 to " + Presence.MAX_PAGE);
            }
        }
        return users(channel, token, after, size);
    }

    private Response users(String channel, String token, String after, Integer limit) {
        if (channel == null) {
            throw new CableException("the query parameter \"channel\" is required");
        }
        CableNames.requireChannel(channel);
        if (limit != null && (limit < 1 || limit > Presence.MAX_PAGE)) {
            throw new CableException("\"limit\" must be an integer from 1 to " + Presence.MAX_PAGE + ", not " + limit);
        }
        if (!access.read(channel, token, identity.currentUser()).allowed()) {
            throw Refusal.forbidden(String.format(PollResource.NOT_ALLOWED, channel));
        }
        PresencePage page = presence.getUsers(channel, after, limit == null ? Presence.MAX_PAGE : limit);
        JsonObjectBuilder answer = JSON.createObjectBuilder()
                .add("users", list(page.users()))
                .add("count", page.count())
                .add("version", page.version());
        if (page.next() != null) {
            answer.add("next", page.next());
        }
        return Response.ok(answer.build().toString()).build();
    }

    /** Who is joining where, and with which info from their token. */
    record Member(String channel, String user, String tokenInfo) {
    }

    /**
     * The caller's membership: a valid channel token names the user (as Pusher's presence auth
     * does); else the authenticated caller; a body-supplied user only if the application enabled it.
     * Private channels need the token or the ChannelAuthorizer's consent.
     */
    Member member(JsonObject request) {
        String channel = CableNames.requireChannel(JsonBodies.requiredString(request, "channel"));
        String token = request.containsKey("token") ? JsonBodies.requiredString(request, "token") : null;
        Optional<String> caller = identity.currentUser();
        ChannelAccess.Decision decision = access.join(channel, token, caller);
        if (!decision.allowed()) {
            throw Refusal.forbidden(String.format(PollResource.NOT_ALLOWED, channel));
        }
        Optional<ChannelTokens.Grant> grant = decision.grant().filter(g -> g.userId().isPresent());
        if (grant.isPresent()) {
            return new Member(channel, grant.get().userId().get(), grant.get().info());
        }
        if (request.containsKey("user")) {
            if (!clientUserId) {
                throw Refusal.forbidden(CLIENT_USER_REFUSED);
            }
            return new Member(channel, JsonBodies.requiredString(request, "user"), null);
        }
        return new Member(channel, caller.orElseThrow(() -> Refusal.unauthenticated(NOT_AUTHENTICATED)), null);
    }

    private static String session(JsonObject request) {
        return request.containsKey("session") ? JsonBodies.requiredString(request, "session") : Presence.DEFAULT_SESSION;
    }

    /** {@code {count, version, users?}}: the list only while the room is small, as in updates. */
    private static Response answer(PresenceChanged change) {
        JsonObjectBuilder answer = JSON.createObjectBuilder()
                .add("count", change.count())
                .add("version", change.version());
        Presence.listed(change).ifPresent(users -> answer.add("users", users));
        return Response.ok(answer.build().toString()).build();
    }

    private static JsonArrayBuilder list(List<PresenceMember> users) {
        JsonArrayBuilder list = JSON.createArrayBuilder();
        users.forEach(u -> list.add(Presence.member(u)));
        return list;
    }
}
