package dev.cable;

import java.util.Optional;

/**
 * Decides who may read a private channel or be present in it. Channels that match
 * {@code cable.private-channels} (default {@code private-*, presence-*}) are refused unless a valid
 * channel token ({@link ChannelTokens}) or this authorizer allows them; other channels are public.
 *
 * <p>The default allows nothing beyond tokens. An application replaces it with a CDI bean of its own
 * that implements this interface (any scope, no {@code @Alternative} needed) to decide from its data, e.g. "members of team 7 may read {@code private-team:7}".
 */
public interface ChannelAuthorizer {

    /**
     * Whether the caller may poll a private channel.
     *
     * @param user the authenticated caller's id (the request principal), empty if anonymous
     */
    boolean mayRead(String channel, Optional<String> user);

    /** Whether the caller may join (and heartbeat in) a private channel; by default as {@link #mayRead}. */
    default boolean mayJoin(String channel, Optional<String> user) {
        return mayRead(channel, user);
    }
}
