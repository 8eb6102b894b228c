package dev.cable;

import java.util.List;

/**
 * The answer to "what happened on this channel after my cursor".
 *
 * @param messages the events after the cursor, oldest first, at most the requested limit
 * @param lastId   the cursor to ask with next time (the id of the last message, or the unchanged
 *                 cursor when there was nothing new)
 * @param more     true when the limit cut the answer: ask again at once with {@code lastId}
 * @param reset    true when the events right after the cursor no longer exist (history trimmed,
 *                 store lost, cursor ahead of the channel or from an earlier life). The messages are
 *                 then the oldest retained ones; the client should resynchronise its view.
 */
public record MessagePage(List<CableMessage> messages, long lastId, boolean more, boolean reset) {

    public MessagePage {
        messages = List.copyOf(messages);
    }

    /** Nothing new: the cursor stays where it is. */
    public static MessagePage empty(long lastId) {
        return new MessagePage(List.of(), lastId, false, false);
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }
}
