package dev.cable;

import java.util.Objects;

/**
 * A user present in a channel.
 *
 * @param userId the user's id
 * @param info   optional user info as JSON text (e.g. {@code {"name":"Alice"}}), {@code null} if none
 */
public record PresenceMember(String userId, String info) {

    public PresenceMember {
        Objects.requireNonNull(userId, "userId");
    }
}
