package dev.cable;

import jakarta.json.spi.JsonProvider;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who is online in a channel.
 *
 * <pre>{@code
 * @Inject Presence presence;
 * presence.join("alice", "chat:42", tabId, Map.of("name", "Alice"));
 * presence.heartbeat("alice", "chat:42", tabId);          // every ~20 s while the page is open
 * List<PresenceMember> users = presence.getUsers("chat:42");
 * }</pre>
 *
 * <ul>
 *   <li>A user is present while one of their sessions (tab, device) heartbeated within
 *       {@code cable.presence.timeout} (30 s). Each session expires on its own: one user's heartbeats
 *       never keep another user alive.</li>
 *   <li>When membership changes (first session joins, last session leaves or times out) Presence
 *       emits {@value #UPDATE_EVENT} on the channel with {@code {version, count, timestamp, joined,
 *       left, changed}} (and the whole {@code users} list while the room is small) and fires the CDI
 *       event {@link PresenceChanged}. Heartbeats of present users write a timestamp and broadcast
 *       nothing.</li>
 *   <li>Leaving one session keeps it for {@code cable.presence.grace} (5 s), so a reload does not
 *       broadcast a leave and a join. A timer ({@code cable.presence.sweep-interval}, 5 s) announces
 *       sessions that timed out; several nodes may run it, each change is announced once.</li>
 * </ul>
 * Each change takes the channel's next presence version, and its update carries it, so a client
 * holding a list at version <i>v</i> applies exactly the update <i>v + 1</i> next and notices a gap
 * (docs/protocol.md). A change and its broadcast are stored together, in one order per channel: with the database
 * driver they commit together (inside the caller's transaction if there is one, the channel's row
 * locked first); with Redis one script stores both, at once (Redis takes no part in transactions).
 */
@ApplicationScoped
public class Presence {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The event broadcast on a channel when its membership changes. */
    public static final String UPDATE_EVENT = "presence:update";
    /** The session used when the caller names none. */
    public static final String DEFAULT_SESSION = "default";
    /** The most {@code cable.presence.max-info-bytes} may be: what the stores keep of an info. */
    public static final int MAX_INFO_BYTES = 4096;
    /**
     * Rooms of at most this many members get the whole list in every update and presence answer;
     * larger rooms get only the change, so an update costs the same at 10,000 members as at 10.
     */
    public static final int LISTED_MEMBERS = 100;
    /** ...and only while that list is at most this many bytes of JSON (100 members of 4 KiB info would be 400 KiB). */
    public static final int LISTED_BYTES = 16 * 1024;
    /** The largest page of {@link #getUsers(String, String, int)}. */
    public static final int MAX_PAGE = 1000;
    /** Longest session id. */
    public static final int MAX_SESSION_LENGTH = 64;
    private static final int SWEEP_BATCH = 500;

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Inject
    PresenceDriver driver;

    @Inject
    Cable cable;

    @Inject
    Event<PresenceChanged> changes;

    @Inject
    Instance<Presence> self;

    @Inject
    @ConfigProperty(name = "cable.presence.timeout")
    Duration timeout;

    @Inject
    @ConfigProperty(name = "cable.presence.grace")
    Duration grace;

    /**
     * Largest user info, in UTF-8 bytes of its JSON (1 KiB by default): every member's info goes
     * into every update of the channel, so it multiplies by the member count.
     */
    @Inject
    @ConfigProperty(name = "cable.presence.max-info-bytes")
    int maxInfoBytes;

    @jakarta.annotation.PostConstruct
    void checkSettings() {
        if (maxInfoBytes < 1 || maxInfoBytes > MAX_INFO_BYTES) {
            throw new IllegalArgumentException("cable.presence.max-info-bytes must be 1-" + MAX_INFO_BYTES + ", not " + maxInfoBytes);
        }
    }

    /** Joins with the default session and no user info. */
    @Transactional
    public PresenceChanged join(String userId, String channel) {
        return join(userId, channel, DEFAULT_SESSION, null);
    }

    /**
     * Marks a session of the user present; announces the user if this is their first live session.
     *
     * @param info optional user info (any JSON-B serializable value, at most
     *             {@code cable.presence.max-info-bytes} of JSON, 1 KiB by default), shown in
     *             {@code users}; {@code null} keeps what is stored
     * @return the change (empty if the user was already present) and the members after it
     * @throws CableException for an invalid user id, channel, session id or info
     */
    @Transactional
    public PresenceChanged join(String userId, String channel, String sessionId, Object info) {
        return announce(driver.touch(CableNames.requireChannel(channel), CableNames.requireUser(userId),
                requireSession(sessionId), info == null ? null : infoJson(info), timeout));
    }

    /** Heartbeat of the default session. */
    @Transactional
    public PresenceChanged heartbeat(String userId, String channel) {
        return heartbeat(userId, channel, DEFAULT_SESSION);
    }

    /**
     * Keeps a session present for another {@code cable.presence.timeout}. Broadcasts nothing for a
     * user already present; a session that had expired joins again (and is announced).
     */
    @Transactional
    public PresenceChanged heartbeat(String userId, String channel, String sessionId) {
        return announce(driver.touch(CableNames.requireChannel(channel), CableNames.requireUser(userId),
                requireSession(sessionId), null, timeout));
    }

    /** Removes the user from the channel at once, all sessions; announces it if they were present. */
    @Transactional
    public PresenceChanged leave(String userId, String channel) {
        return announce(driver.leave(CableNames.requireChannel(channel), CableNames.requireUser(userId),
                null, Duration.ZERO));
    }

    /**
     * Ends one session after {@code cable.presence.grace}; the user leaves when it was their last and
     * no session joins within the grace period.
     */
    @Transactional
    public PresenceChanged leave(String userId, String channel, String sessionId) {
        return announce(driver.leave(CableNames.requireChannel(channel), CableNames.requireUser(userId),
                requireSession(sessionId), grace));
    }

    /**
     * The users present now, in the store's order of ids (announcing any timed-out users first).
     * Reads every member: for a large room, page with {@link #getUsers(String, String, int)}.
     */
    @Transactional
    public List<PresenceMember> getUsers(String channel) {
        List<PresenceMember> all = new ArrayList<>();
        PresencePage page = getUsers(channel, null, MAX_PAGE);
        all.addAll(page.users());
        while (page.next() != null) {
            page = driver.members(channel, page.next(), MAX_PAGE);
            all.addAll(page.users());
        }
        return all;
    }

    /**
     * One page of the members (announcing any timed-out users first), with the channel's member count
     * and the presence version it was read at.
     *
     * @param after the last id of the previous page ({@link PresencePage#next()}), {@code null} for the first
     * @param limit 1 to {@value #MAX_PAGE}
     */
    @Transactional
    public PresencePage getUsers(String channel, String after, int limit) {
        CableNames.requireChannel(channel);
        if (limit < 1 || limit > MAX_PAGE) {
            throw new CableException("limit must be 1-" + MAX_PAGE + ", was " + limit);
        }
        if (after != null) {
            CableNames.requireUser(after);
        }
        announce(driver.expire(channel));
        return driver.members(channel, after, limit);
    }

    /** The channels where the user is present now. */
    public List<String> getChannels(String userId) {
        return driver.channelsOf(CableNames.requireUser(userId));
    }

    /**
     * Announces every session that timed out, on every channel; run by the sweeper timer.
     *
     * @return how many channels changed
     */
    public int cleanup() {
        int changed = 0;
        for (String channel : driver.channelsToSweep(SWEEP_BATCH)) {
            // through the proxy: each channel in a transaction of its own
            if (self.get().expire(channel).changed()) {
                changed++;
            }
        }
        return changed;
    }

    /**
     * Announces the channel's timed-out sessions now (the sweeper does this for every channel), in a
     * transaction of its own.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public PresenceChanged expire(String channel) {
        return announce(driver.expire(CableNames.requireChannel(channel)));
    }

    private PresenceChanged announce(PresenceChanged change) {
        if (change.changed()) {
            if (!driver.storesItsUpdates()) {
                cable.emitPresenceUpdate(change.channel(), updatePayload(change));
            }
            changes.fire(change);
        }
        return change;
    }

    /**
     * {@code {version, count, timestamp, joined: [ids], left: [ids], changed: [{id, info}], users?}}:
     * {@code users} while the room is small ({@link #listed}). presence.lua writes the same for Redis.
     */
    static jakarta.json.JsonObject updatePayload(PresenceChanged change) {
        JsonArrayBuilder joined = JSON.createArrayBuilder();
        JsonArrayBuilder changed = JSON.createArrayBuilder();
        change.joined().forEach(u -> {
            joined.add(u.userId());
            changed.add(member(u));
        });
        change.updated().forEach(u -> changed.add(member(u)));
        JsonArrayBuilder left = JSON.createArrayBuilder();
        change.left().forEach(left::add);
        JsonObjectBuilder update = JSON.createObjectBuilder()
                .add("version", change.version())
                .add("count", change.count())
                .add("timestamp", Instant.now().toString())
                .add("joined", joined)
                .add("left", left)
                .add("changed", changed);
        listed(change).ifPresent(users -> update.add("users", users));
        return update.build();
    }

    /** The whole member list as JSON, if the room is small enough to send it along. */
    public static Optional<JsonArray> listed(PresenceChanged change) {
        if (!change.listsEveryone() || change.count() > LISTED_MEMBERS) {
            return Optional.empty();
        }
        JsonArrayBuilder users = JSON.createArrayBuilder();
        change.users().forEach(u -> users.add(member(u)));
        JsonArray list = users.build();
        return list.toString().getBytes(StandardCharsets.UTF_8).length <= LISTED_BYTES
                ? Optional.of(list) : Optional.empty();
    }

    /** A member as JSON: {@code {"id": "...", "info": ... | null}}. */
    public static JsonObjectBuilder member(PresenceMember m) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("id", m.userId());
        if (m.info() == null) {
            json.addNull("info");
        } else {
            json.add("info", JSON.createReader(new StringReader(m.info())).readValue());
        }
        return json;
    }

    private static String requireSession(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > MAX_SESSION_LENGTH
                || sessionId.chars().anyMatch(Character::isISOControl)) {
            throw new CableException("a session id is 1-" + MAX_SESSION_LENGTH
                    + " printable characters (one per tab or device)");
        }
        return sessionId;
    }

    private String infoJson(Object info) {
        String json;
        try {
            json = info instanceof jakarta.json.JsonValue value ? value.toString() : JSONB.toJson(info);
        } catch (JsonbException e) {
            throw new CableException("the user info cannot be serialized to JSON: " + e.getMessage());
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > maxInfoBytes) {
            throw new CableException(CableException.Reason.TOO_LARGE,
                    "the user info is larger than " + maxInfoBytes + " bytes of JSON (cable.presence.max-info-bytes)");
        }
        return json;
    }
}
