package dev.cable;

import java.util.List;
import java.util.Objects;

/**
 * One page of a channel's member list, read in one atomic step with the channel's member count and
 * presence version, so a client can join pages and {@value Presence#UPDATE_EVENT} events into an
 * exact list (docs/protocol.md, "Keeping an exact member list").
 *
 * @param users   members after the requested id, in the store's order of ids
 * @param count   members of the whole channel
 * @param version the channel's presence version when the page was read
 * @param next    the id to continue after, or {@code null} if no member follows
 */
public record PresencePage(List<PresenceMember> users, int count, long version, String next) {

    public PresencePage {
        users = List.copyOf(Objects.requireNonNull(users, "users"));
    }
}
