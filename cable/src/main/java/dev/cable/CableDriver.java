package dev.cable;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;

/**
 * Stores a channel's events and reads them back by cursor. Cable ships a database driver (JPA) and
 * a Redis driver (Jedis); {@code cable.driver} picks one.
 *
 * <p><b>Your own driver.</b> Make a CDI bean implementing this interface and select it as a global
 * alternative: {@code @ApplicationScoped @Alternative @Priority(1) class MyDriver implements
 * CableDriver}. It then replaces the built-in producer everywhere ({@code Cable}, the endpoints, the
 * cleanup timer, the health check), and {@code cable.driver} is ignored. Run the contract test suite
 * ({@code CableDriverContract} in the test sources) against it.
 *
 * <p><b>What an implementation must guarantee</b> (the delivery contract, docs/protocol.md):
 * <ul>
 *   <li>ids are assigned per channel, {@code base + 1, base + 2, ...} without gaps, where the base is
 *       {@link ChannelState#freshBase(long)} of the moment the channel's life began;</li>
 *   <li>an event becomes readable only together with every event of smaller id of its channel
 *       (a reader who sees id n also sees n-1), including across concurrent emitters and nodes;</li>
 *   <li>failure to reach the backend is reported as {@link CableUnavailableException}, never as
 *       a silently dropped event.</li>
 * </ul>
 * The cursor rules ({@code more}, {@code reset}) are implemented once, in
 * {@link #getMessages(String, long, int)}, on top of {@link #state} and {@link #read}.
 */
public interface CableDriver {

    /**
     * Stores one event and assigns its id. With a transactional backend the event joins the caller's
     * transaction when there is one.
     *
     * @param payload the payload as JSON text (already validated and size-checked by {@code Cable})
     * @return the stored message with its id
     * @throws CableUnavailableException if the backend could not store it
     */
    CableMessage emit(String channel, String event, String payload);

    /**
     * Stores an event unless one with the same idempotency key was stored on the channel within the
     * retention period; then stores nothing and returns that one (same id). The store enforces it
     * (a unique key, {@code SET NX}), so retries through different nodes are safe too.
     *
     * @param idempotencyKey 1-128 printable characters chosen by the caller, or {@code null} for a
     *                       plain {@link #emit}
     * @throws CableException if the driver does not support keys (the default when a key is given)
     */
    default CableMessage emit(String channel, String event, String payload, String idempotencyKey) {
        if (idempotencyKey == null) {
            return emit(channel, event, payload);
        }
        throw new CableException("the driver " + describe() + " does not support idempotency keys");
    }

    /**
     * Whether {@link #emit} joins the caller's JTA transaction (the event exists if and only if it
     * commits). Drivers that cannot (the default) get their emits inside a transaction held by
     * {@link Cable} and written right after the commit, dropped on rollback.
     */
    default boolean joinsTransactions() {
        return false;
    }

    /** The channel's base and head; {@link ChannelState#UNKNOWN} if it has no events. */
    ChannelState state(String channel);

    /**
     * The heads of several channels in as few backend round trips as the store allows (the
     * per-node head cache refreshes all active channels with one call per tick). Channels the
     * store does not know map to 0. The default asks {@link #state} for each.
     */
    default Map<String, Long> heads(Collection<String> channels) {
        Map<String, Long> heads = new HashMap<>();
        for (String channel : channels) {
            heads.put(channel, state(channel).head());
        }
        return heads;
    }

    /**
     * Optional: tells this node at once of messages stored by any node, by calling
     * {@code onStored(channel, id)} from a thread made by {@code threads} (e.g. from Redis pub/sub),
     * so a long poll parked here wakes within milliseconds of an emit on another node instead of
     * within {@code cable.poll.tick}. A notice must come after its message is readable. Best effort:
     * a notice may be lost (a dropped subscription) or come late; the {@link #heads} refresh of the
     * next tick still finds the message. The default watches nothing.
     *
     * @return stops watching
     */
    default AutoCloseable watchHeads(BiConsumer<String, Long> onStored, ThreadFactory threads) {
        return () -> {
        };
    }

    /**
     * The retained messages with {@code afterId < id <= upToId}, oldest first, at most {@code limit}.
     * Messages removed by retention or trimming are simply absent.
     */
    List<CableMessage> read(String channel, long afterId, long upToId, int limit);

    /**
     * Deletes every message stored more than {@code olderThan} ago, on every channel. Safe to run on
     * several nodes at once.
     *
     * @return how many messages were removed (0 if none)
     */
    long cleanup(Duration olderThan);

    /** Checks that the backend answers; throws {@link CableUnavailableException} if it does not. */
    void ping();

    /** A short name for logs and health output, e.g. {@code database (PostgreSQL)}. */
    String describe();

    /**
     * The events after a cursor, with the cursor rules applied.
     *
     * <ul>
     *   <li>{@code afterId == 0} means "from the start of the channel's current life";</li>
     *   <li>otherwise the answer continues exactly after {@code afterId}; if the events right after
     *       it are gone, or the cursor is ahead of the head or before the current life, the page says
     *       {@code reset} and carries the oldest retained events instead;</li>
     *   <li>{@code more} says the limit cut the page.</li>
     * </ul>
     * A {@code reset} is confirmed by reading once more before it is answered: the head and the
     * messages are two reads, and a reader that meets a commit between them (or a store connection
     * that has not yet seen it) would otherwise tell a client to reload for nothing. Resets are rare,
     * so the second read costs nothing on the common path.
     */
    default MessagePage getMessages(String channel, long afterId, int limit) {
        if (afterId < 0) {
            throw new CableException("lastId must be 0 or positive, was " + afterId);
        }
        if (limit < 1) {
            throw new CableException("limit must be at least 1, was " + limit);
        }
        MessagePage page = readPage(channel, afterId, limit);
        return page.reset() ? readPage(channel, afterId, limit) : page;
    }

    private MessagePage readPage(String channel, long afterId, int limit) {
        ChannelState state = state(channel);
        if (state.isUnknown()) {
            return afterId == 0 ? MessagePage.empty(0) : new MessagePage(List.of(), 0, false, true);
        }
        long cursor = afterId == 0 ? state.base() : afterId;
        if (cursor < state.base() || cursor > state.head()) {
            return oldestRetained(channel, state, limit);
        }
        if (cursor == state.head()) {
            return MessagePage.empty(cursor);
        }
        List<CableMessage> messages = read(channel, cursor, state.head(), limit);
        if (messages.isEmpty() || messages.get(0).id() != cursor + 1) {
            return oldestRetained(channel, state, limit);
        }
        long lastId = messages.get(messages.size() - 1).id();
        return new MessagePage(messages, lastId, lastId < state.head(), false);
    }

    private MessagePage oldestRetained(String channel, ChannelState state, int limit) {
        List<CableMessage> messages = read(channel, state.base(), state.head(), limit);
        long lastId = messages.isEmpty() ? state.head() : messages.get(messages.size() - 1).id();
        return new MessagePage(messages, lastId, lastId < state.head(), true);
    }
}
