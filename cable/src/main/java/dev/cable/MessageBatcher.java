package dev.cable;

import jakarta.json.spi.JsonProvider;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Collects events for one channel and stores them as a single {@code batch} event
 * ({@code {events: [{event, payload}...], count, timestamp}}): one backend write per flush. cable.js
 * hands each inner event to its own handler.
 *
 * <pre>{@code
 * @Inject MessageBatcher metrics;            // flushed when the bean holding it is destroyed
 * metrics.channel("dashboard").add("cpu", 0.42).add("heap", 123456);
 *
 * try (MessageBatcher b = cable.batcher("dashboard")) { ... }   // flushed by close()
 * }</pre>
 *
 * It flushes when {@code cable.batch.size} (100) events are waiting, when the next event would make
 * the batch payload larger than {@code cable.max-payload-bytes}, on {@link #flush()}, on
 * {@link #close()}, and when its CDI scope ends (it is {@code @Dependent}: a batcher injected into a
 * request-scoped bean flushes at the end of the request). Flushing an empty batcher writes nothing.
 * Thread-safe. If a flush fails the events stay queued and the exception is thrown.
 */
@Dependent
public class MessageBatcher implements AutoCloseable {

    /** Looked up once: {@code Json.create...} searches the class path for a provider on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The event name of a batch. */
    public static final String BATCH_EVENT = "batch";

    private static final Logger LOG = Logger.getLogger(MessageBatcher.class.getName());
    private static final Jsonb JSONB = JsonbBuilder.create();
    /** Bytes of the batch envelope around the events ({"events":[],"count":..,"timestamp":"..."}). */
    private static final int ENVELOPE_BYTES = 96;

    private final List<JsonObject> pending = new ArrayList<>();
    private Cable cable;
    private String channel;
    private int batchSize;
    private int pendingBytes;

    /** For CDI only. */
    protected MessageBatcher() {
    }

    @Inject
    public MessageBatcher(Cable cable, @ConfigProperty(name = "cable.batch.size") int batchSize) {
        this.cable = cable;
        this.batchSize = requirePositive(batchSize);
    }

    /** The channel the batch goes to; required before the first {@link #add}. Returns this batcher. */
    public synchronized MessageBatcher channel(String channel) {
        String name = CableNames.requireChannel(channel);
        if (!pending.isEmpty() && !name.equals(this.channel)) {
            flush();
        }
        this.channel = name;
        return this;
    }

    /** How many events make a batch flush by itself; must be at least 1. Returns this batcher. */
    public synchronized MessageBatcher batchSize(int size) {
        this.batchSize = requirePositive(size);
        if (pending.size() >= batchSize) {
            flush();
        }
        return this;
    }

    /**
     * Queues an event; flushes first if it would not fit, and after if the batch is full.
     *
     * @throws CableException without a channel, with an invalid event name, or a payload that cannot
     *                        be serialized or alone exceeds {@code cable.max-payload-bytes}
     */
    public synchronized MessageBatcher add(String event, Object payload) {
        if (channel == null) {
            throw new CableException("the MessageBatcher has no channel: call channel(\"...\") before add()");
        }
        CableNames.requireEvent(event);
        JsonObject entry = JSON.createObjectBuilder()
                .add("event", event)
                .add("payload", JSON.createReader(new StringReader(serialize(payload))).readValue())
                .build();
        int bytes = entry.toString().getBytes(StandardCharsets.UTF_8).length + 1;
        if (bytes + ENVELOPE_BYTES > cable.maxPayloadBytes()) {
            throw new CableException(CableException.Reason.TOO_LARGE, "the event '" + event
                    + "' alone is larger than cable.max-payload-bytes (" + cable.maxPayloadBytes() + ")");
        }
        if (pendingBytes + bytes + ENVELOPE_BYTES > cable.maxPayloadBytes()) {
            flush();
        }
        pending.add(entry);
        pendingBytes += bytes;
        if (pending.size() >= batchSize) {
            flush();
        }
        return this;
    }

    /**
     * Stores the queued events as one {@code batch} event.
     *
     * @return the stored batch, or {@code null} when nothing was queued (nothing is written)
     */
    public synchronized CableMessage flush() {
        if (pending.isEmpty()) {
            return null;
        }
        JsonArrayBuilder events = JSON.createArrayBuilder();
        pending.forEach(events::add);
        JsonObject batch = JSON.createObjectBuilder()
                .add("events", events)
                .add("count", pending.size())
                .add("timestamp", Instant.now().toString())
                .build();
        CableMessage stored = cable.emit(channel, BATCH_EVENT, batch);
        pending.clear();
        pendingBytes = 0;
        return stored;
    }

    /** Events queued and not yet flushed. */
    public synchronized int pending() {
        return pending.size();
    }

    /** Flushes what is queued. */
    @Override
    public void close() {
        flush();
    }

    /** The end of the CDI scope flushes; a failure there can only be logged. */
    @PreDestroy
    void flushAtScopeEnd() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "MessageBatcher could not flush " + pending() + " events at the end of its scope: "
                    + e.getMessage());
        }
    }

    MessageBatcher(Cable cable, String channel, int batchSize) {
        this(cable, batchSize);
        channel(channel);
    }

    private static int requirePositive(int size) {
        if (size <= 0) {
            throw new CableException("a MessageBatcher's batch size must be at least 1, was " + size);
        }
        return size;
    }

    private static String serialize(Object payload) {
        try {
            return payload instanceof jakarta.json.JsonValue value ? value.toString() : JSONB.toJson(payload);
        } catch (JsonbException e) {
            throw new CableException(CableException.Reason.INVALID, "the payload of type "
                    + payload.getClass().getName() + " cannot be serialized to JSON with JSON-B: " + e.getMessage(), e);
        }
    }
}
