package dev.cable;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored event of a channel.
 *
 * @param id        the channel's cursor position of this event: unique and strictly increasing
 *                  within the channel, contiguous (no gaps) within one life of the channel, below 2^53
 * @param channel   the channel it was emitted to
 * @param event     the event name, e.g. {@code message:new}
 * @param payload   the payload as a JSON text (any JSON value: object, array, string, number, ...)
 * @param createdAt when the backend stored it
 */
public record CableMessage(long id, String channel, String event, String payload, Instant createdAt) {

    public CableMessage {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
