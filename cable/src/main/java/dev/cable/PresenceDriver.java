package dev.cable;

import java.time.Duration;
import java.util.List;

/**
 * Stores who is present where. Cable ships a database and a Redis implementation, picked with
 * {@code cable.driver}; a CDI {@code @Alternative @Priority} bean implementing this replaces them.
 *
 * <p>Membership is per session (a tab or device) underneath: a user is present while at least one
 * of their sessions has not expired. Every mutating method is <b>one atomic step</b> that first
 * drops the channel's expired sessions, then applies its change, and reports the membership
 * difference it caused, so that two nodes never both report the same join or leave. A step that
 * changes membership or a member's info also takes the channel's next <b>presence version</b>
 * (1, 2, 3, ...) within the same atomic step, so the versions order the changes as the store
 * applied them, whichever node ran them. Its cost must not grow with the member count beyond
 * listing {@link Presence#LISTED_MEMBERS} members: 10,000-member rooms are expected.
 */
public interface PresenceDriver {

    /**
     * Marks a session of a user present until {@code ttl} from now (join and heartbeat).
     *
     * @param info the user info as JSON text, or {@code null} to keep what is stored
     */
    PresenceChanged touch(String channel, String userId, String sessionId, String info, Duration ttl);

    /**
     * Ends a session: it expires after {@code grace} (at once when zero), unless it is touched again.
     * Unknown sessions are ignored.
     */
    PresenceChanged leave(String channel, String userId, String sessionId, Duration grace);

    /** Drops the channel's expired sessions and reports who left. */
    PresenceChanged expire(String channel);

    /**
     * One page of the channel's announced members with an id after {@code after} ({@code null}: from
     * the first), at most {@code limit}, read in one atomic step with the member count and version.
     * Changes nothing (a channel nobody joined stays unknown to the store).
     */
    PresencePage members(String channel, String after, int limit);

    /** Channels with at least one expired session, for the sweeper; at most {@code limit}. */
    List<String> channelsToSweep(int limit);

    /** The channels where the user has a live session. */
    List<String> channelsOf(String userId);

    /**
     * Whether each change's {@value Presence#UPDATE_EVENT} event is stored by the driver itself, in
     * the same atomic step as the change (the Redis driver). Otherwise {@link Presence} emits it,
     * which keeps changes and updates in one order only where the store serialises both (the
     * database driver: the channel's row is locked first).
     */
    default boolean storesItsUpdates() {
        return false;
    }
}
