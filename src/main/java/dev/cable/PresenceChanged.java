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
 */
public record PresenceChanged(String channel, List<PresenceMember> joined, List<String> left,
                              List<PresenceMember> users) {

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

    /** True if somebody joined or left. */
    public boolean changed() {
        return !joined.isEmpty() || !left.isEmpty();
    }

    public int count() {
        return users.size();
    }
}
