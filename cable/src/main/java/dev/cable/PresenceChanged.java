package dev.cable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a presence operation, and the CDI event {@link Presence} fires when membership
 * changed (observe it with {@code @Observes PresenceChanged}, or {@code during = AFTER_SUCCESS}).
 *
 * <p>It describes the step from presence version {@code version - 1} to {@code version} when
 * {@link #changed()}; an operation that changed nothing reports the version it found. The member
 * list comes along only while the room is small: a change must not cost the member count in bytes
 * or reads, so at 10,000 members {@link #users()} is empty and {@link Presence#getUsers(String,
 * String, int)} pages through the list.
 *
 * @param channel the channel
 * @param joined  users who became present (first session), with their info
 * @param left    users who stopped being present (last session left or timed out)
 * @param updated members who stayed present and whose info changed, with the new info
 * @param count   members after the operation
 * @param version the channel's presence version after the operation (0: never changed)
 * @param users   everyone present after the operation, ordered by user id, while {@code count} is at
 *                most {@link Presence#LISTED_MEMBERS}; otherwise empty (see {@link #listsEveryone()})
 */
public record PresenceChanged(String channel, List<PresenceMember> joined, List<String> left,
                              List<PresenceMember> updated, int count, long version, List<PresenceMember> users) {

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
        updated = List.copyOf(updated);
        users = List.copyOf(users);
    }

    /** Nothing changed: the channel as the operation found it. */
    public static PresenceChanged unchanged(String channel, int count, long version, List<PresenceMember> users) {
        return new PresenceChanged(channel, List.of(), List.of(), List.of(), count, version, users);
    }

    /** True if somebody joined or left, or a member's info changed: what others must be told. */
    public boolean changed() {
        return !joined.isEmpty() || !left.isEmpty() || !updated.isEmpty();
    }

    /** True if {@link #users()} holds every member (the room is small enough to list). */
    public boolean listsEveryone() {
        return users.size() == count;
    }
}
