package dev.cable;

import java.util.Objects;

/**
 * A CDI event that emits on a channel: {@code broadcasts.fire(new CableBroadcast("chat:42",
 * "message:new", payload))}.
 *
 * <ul>
 *   <li>{@code fire(...)} inside a JTA transaction: stored only after the transaction commits,
 *       dropped if it rolls back (a transactional observer). Outside a transaction: stored at once.
 *       Failures are logged, not thrown: the transaction has already committed.</li>
 *   <li>{@code fireAsync(...)}: stored from another thread; the returned stage completes when it is
 *       stored, or exceptionally. CDI does not tie asynchronous events to transactions, so inside a
 *       transaction use {@code fire}.</li>
 * </ul>
 * Use {@link Cable#emit} instead when the event must be part of the transaction itself (database
 * driver) or when you need its id or an exception on failure.
 *
 * @param payload any JSON-B serializable value
 */
public record CableBroadcast(String channel, String event, Object payload) {

    public CableBroadcast {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
    }
}
