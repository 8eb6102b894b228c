package dev.cable;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cable: soft real-time events for web pages over plain HTTP polling.
 *
 * <h2>Adding it</h2>
 * One dependency ({@code dev.cable:cable}) in the application's WAR brings this bean, the
 * {@code /cable/*} endpoints beside the application's own JAX-RS application, the timers, the
 * readiness check and {@code /cable.js}. Setting {@code cable.database.datasource} to the
 * application's datasource keeps Cable's tables there, so an emit shares the application's
 * connection and transaction without XA (docs/install.md).
 *
 * <h2>Emitting</h2>
 * <pre>{@code
 * @Inject Cable cable;
 * cable.to("chat:42").emit("message:new", Map.of("user", "alice", "text", "hi"));
 * cable.to("dashboard").update("#visitors", "<b>42</b>");   // event "dom-update"
 * }</pre>
 * The payload is anything JSON-B serializes (Map, public record, JsonObject, List, String,
 * number); the browser receives that JSON.
 *
 * <h2>Transactions</h2>
 * With the database driver an emit inside a JTA transaction is part of it: the event exists if and
 * only if the transaction commits, and a rollback leaves no hole in the ids (on a datasource other
 * than the application's, that takes XA on both). The emit locks the
 * channel's sequence row until commit, so a long business transaction holds up other emitters of
 * the same channel (not of other channels) for that long. With Redis, which cannot join the
 * transaction, the emit is held and written right after the commit (dropped on rollback); it then
 * returns a message with id 0. Firing a {@link CableBroadcast} CDI event is the other way to emit:
 * it is always stored after the commit, never inside the transaction (docs/emitting.md).
 *
 * <h2>Polling</h2>
 * Clients call {@code POST /cable/poll} with the last id they saw per channel (docs/protocol.md).
 * Server-rendered pages embed {@link #lastId(String)} so the browser continues from exactly the
 * state the page showed. In Java, {@link #getMessages(String, Long)} reads the same way.
 *
 * <h2>Delivery contract</h2>
 * Ids are integers below 2^53, strictly increasing and gap-free within a channel's life; a client
 * following the cursor sees every event once, in order. When that is impossible (history trimmed,
 * store lost, limit reached) the answer says so with {@code reset} or {@code more}.
 *
 * <h2>Observing stored messages</h2>
 * Every stored message is fired as a CDI event of type {@link CableMessage}; observe it with
 * {@code @Observes(during = TransactionPhase.AFTER_SUCCESS) CableMessage m} to see committed ones only.
 *
 * <h2>Drivers and configuration</h2>
 * {@code cable.driver=database} (default; JPA on H2, MariaDB or PostgreSQL) or {@code redis}.
 * Every key is in docs/configuration.md. A CDI alternative implementing {@link CableDriver}
 * replaces both. A timer deletes messages older than {@code cable.retention} every minute.
 */
@ApplicationScoped
public class Cable {

    /** The default age of messages {@link #cleanup()} removes. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

    private CableDriver driver;
    private int maxPayloadBytes;
    private int maxMessagesPerPage;
    private Duration retention;
    private int batchSize;
    private Jsonb jsonb;
    private AfterCommitEmits afterCommit;
    private Event<CableMessage> storedEvents;

    /** For CDI proxies only. */
    protected Cable() {
    }

    /** Stored messages are fired as CDI events; absent outside a container. */
    @Inject
    void setStoredEvents(Event<CableMessage> storedEvents) {
        this.storedEvents = storedEvents;
    }

    /** Transactions are looked up here; absent outside a container (unit tests), where none exist. */
    @Resource(lookup = "java:comp/TransactionSynchronizationRegistry")
    void setTransactions(TransactionSynchronizationRegistry transactions) {
        this.afterCommit = transactions == null ? null : new AfterCommitEmits(transactions);
    }

    @Inject
    public Cable(CableDriver driver,
                 @ConfigProperty(name = "cable.max-payload-bytes") int maxPayloadBytes,
                 @ConfigProperty(name = "cable.poll.max-messages") int maxMessagesPerPage,
                 @ConfigProperty(name = "cable.retention") Duration retention,
                 @ConfigProperty(name = "cable.batch.size") int batchSize) {
        if (maxPayloadBytes < 1 || maxMessagesPerPage < 1 || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("cable.max-payload-bytes, cable.poll.max-messages and "
                    + "cable.retention must be positive");
        }
        this.driver = driver;
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxMessagesPerPage = maxMessagesPerPage;
        this.retention = retention;
        this.batchSize = batchSize;
        this.jsonb = JsonbBuilder.create();
    }

    /**
     * The channel to emit to.
     *
     * @throws CableException if the name is missing, longer than 255 characters or contains control characters
     */
    public ChannelTarget to(String channel) {
        return new ChannelTarget(this, channel);
    }

    /**
     * Same as {@code to(channel).emit(event, payload)}.
     *
     * @throws CableException for an invalid name or payload; nothing is stored
     * @throws CableUnavailableException if the backend could not store it
     */
    public CableMessage emit(String channel, String event, Object payload) {
        return emit(channel, event, payload, null);
    }

    /**
     * Emits unless an event with the same idempotency key was stored on the channel within the
     * retention period, in which case nothing is stored and that event (same id) is returned: a
     * safe retry after a timeout or a 503. Enforced by the store, across nodes.
     *
     * @param idempotencyKey 1-128 printable characters, or {@code null} for a plain emit
     * @throws CableException for an invalid name, payload or key; nothing is stored
     * @throws CableUnavailableException if the backend could not store it
     */
    public CableMessage emit(String channel, String event, Object payload, String idempotencyKey) {
        CableNames.requireChannel(channel);
        CableNames.requireEvent(event);
        if (idempotencyKey != null) {
            CableNames.requireIdempotencyKey(idempotencyKey);
        }
        return store(channel, event, toJson(payload), idempotencyKey);
    }

    /**
     * Emits Cable's own presence update, which {@code cable.max-payload-bytes} does not bound: a sweep
     * may announce thousands of leaves at once, and an update refused for its size would roll back
     * the change it announces, again at every later change of the channel.
     */
    CableMessage emitPresenceUpdate(String channel, jakarta.json.JsonObject payload) {
        return store(channel, Presence.UPDATE_EVENT, payload.toString(), null);
    }

    private CableMessage store(String channel, String event, String json, String idempotencyKey) {
        if (!driver.joinsTransactions() && afterCommit != null && afterCommit.inTransaction()) {
            return afterCommit.hold(driver, channel, event, json, idempotencyKey, this::announce);
        }
        return announce(driver.emit(channel, event, json, idempotencyKey));
    }

    /** Tells observers (the poll endpoint's head cache among them) that a message was stored. */
    private CableMessage announce(CableMessage stored) {
        if (storedEvents != null) {
            try {
                storedEvents.fire(stored);
            } catch (RuntimeException observerFailed) {
                // the event is stored: an observer's failure must not turn the emit into an error
                java.util.logging.Logger.getLogger(Cable.class.getName())
                        .warning("an observer of stored messages failed: " + observerFailed);
            }
        }
        return stored;
    }

    /**
     * The events of a channel after {@code lastId}, at most {@code cable.poll.max-messages}.
     *
     * @param lastId the last id the caller has seen; {@code null} or 0 means from the oldest retained
     *               event of the channel's current life
     * @return the page; empty with the unchanged cursor when nothing is new; {@code reset} when the
     *         events after {@code lastId} no longer exist (then the oldest retained are returned)
     */
    public MessagePage getMessages(String channel, Long lastId) {
        return getMessages(channel, lastId, maxMessagesPerPage);
    }

    /** As {@link #getMessages(String, Long)} with an explicit page size (1 to {@code cable.poll.max-messages}). */
    public MessagePage getMessages(String channel, Long lastId, int limit) {
        CableNames.requireChannel(channel);
        if (limit < 1 || limit > maxMessagesPerPage) {
            throw new CableException("limit must be between 1 and cable.poll.max-messages ("
                    + maxMessagesPerPage + "), was " + limit);
        }
        return driver.getMessages(channel, lastId == null ? 0 : lastId, limit);
    }

    /**
     * The channel's current cursor: embed it in a rendered page and let the browser poll from it, so
     * nothing emitted between rendering and the first poll is lost. 0 for a channel without events
     * (the first event's id will be larger, and a poll from 0 delivers it).
     */
    public long lastId(String channel) {
        CableNames.requireChannel(channel);
        return driver.state(channel).head();
    }

    /**
     * A batcher for the channel, flushing every {@code cable.batch.size} events and on
     * {@code close()}: use it in try-with-resources.
     */
    public MessageBatcher batcher(String channel) {
        return new MessageBatcher(this, channel, batchSize);
    }

    /** Deletes messages older than {@code cable.retention} (24 h by default); returns how many. */
    public long cleanup() {
        return cleanup(retention);
    }

    /** Deletes messages older than {@code olderThan} on every channel; returns how many (0 if none). */
    public long cleanup(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative()) {
            throw new CableException("cleanup needs a positive age, e.g. Duration.ofHours(24)");
        }
        return driver.cleanup(olderThan);
    }

    /** The driver in use (the built-in database or Redis driver, or your own alternative). */
    public CableDriver getDriver() {
        return driver;
    }

    /** The largest payload, in UTF-8 bytes of its JSON, that an emit accepts. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The most messages one page (one channel of one poll) carries. */
    public int maxMessagesPerPage() {
        return maxMessagesPerPage;
    }

    private String toJson(Object payload) {
        String json;
        try {
            json = payload instanceof jakarta.json.JsonValue value ? value.toString() : jsonb.toJson(payload);
        } catch (JsonbException e) {
            throw new CableException(CableException.Reason.INVALID, "the payload of type "
                    + payload.getClass().getName() + " cannot be serialized to JSON with JSON-B: "
                    + e.getMessage(), e);
        }
        // a text never has fewer UTF-8 bytes than chars, so a long one fails without encoding it
        if (json.length() > maxPayloadBytes
                || json.getBytes(StandardCharsets.UTF_8).length > maxPayloadBytes) {
            throw new CableException(CableException.Reason.TOO_LARGE, "the payload is larger than "
                    + "cable.max-payload-bytes (" + maxPayloadBytes + " bytes of JSON)");
        }
        return json;
    }

    @PreDestroy
    void close() {
        try {
            if (jsonb != null) {
                jsonb.close();
            }
        } catch (Exception ignored) {
            // nothing useful to do at shutdown
        }
    }
}
