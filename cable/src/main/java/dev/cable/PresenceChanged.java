package dev.cable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a presence operation, and the CDI event {@link Presence} fires when membership
 * changed (observe it with {@code @Observes PresenceChanged}, or {@code during = AFTER_SUCCESS}).
 *
 * @param channel the channel
 * @param joined  users who became present (first session)
 * @param left    users who stopped being present (last session left or timed out)
 * @param users   everyone present after the operation, ordered by user id
 * @param infoChanged true if a present user's info changed (shown to others, so broadcast too)
 */
public record PresenceChanged(String channel, List<PresenceMember> joined, List<String> left,
                              List<PresenceMember> users, boolean infoChanged) {

    public PresenceChanged {
        Objects.requireNonNull(channel, "channel");
        // a user who left and came back within the same atomic step did neither
        List<String> joinedIds = joined.stream().map(PresenceMember::userId).toList();
        List<PresenceMember> netJoined = new ArrayList<>();
        for (PresenceMember m : joined) {
            if (!left.contains(m.userId())) {
                netJoined.add(m);
            }
        }
        List<String> netLeft = left.stream().filter(u -> !joinedIds.contains(u)).distinct().toList();
        joined = List.copyOf(netJoined);
        left = List.copyOf(netLeft);
        users = List.copyOf(users);
    }

    /** A change without info updates. */
    public PresenceChanged(String channel, List<PresenceMember> joined, List<String> left, List<PresenceMember> users) {
        this(channel, joined, left, users, false);
    }

    /** True if somebody joined or left, or a member's info changed: what others must be told. */
    public boolean changed() {
        return !joined.isEmpty() || !left.isEmpty() || infoChanged;
    }

    public int count() {
        return users.size();
    }
}
