package dev.cable;

/**
 * One channel to emit to, as returned by {@link Cable#to(String)}. Immutable and cheap: keep it in
 * a field or make a new one per call, as you like.
 */
public final class ChannelTarget {

    /** The event name {@link #update(String, String)} emits; cable.js applies it to the page. */
    public static final String DOM_UPDATE = "dom-update";
    /** The event name {@link #updateText(String, String)} emits; cable.js sets the elements' text. */
    public static final String DOM_TEXT = "dom-text";

    private final Cable cable;
    private final String channel;

    ChannelTarget(Cable cable, String channel) {
        this.cable = cable;
        this.channel = CableNames.requireChannel(channel);
    }

    public String channel() {
        return channel;
    }

    /**
     * Stores an event on this channel; every client following the channel receives it once, in order.
     * Inside a JTA transaction (database driver) the event is part of that transaction.
     *
     * @param payload any JSON-B serializable value (Map, record, JsonObject, List, String, number, or null);
     *                records and classes must be public, as JSON-B reads public accessors only
     * @return the stored message with its id
     * @throws CableException if the event name is invalid or the payload cannot be serialized or is
     *                        larger than {@code cable.max-payload-bytes}
     * @throws CableUnavailableException if the backend could not store it
     */
    public CableMessage emit(String event, Object payload) {
        return cable.emit(channel, event, payload);
    }

    /**
     * Emits unless an event with the same idempotency key was already stored on this channel within
     * the retention period; then returns that one. See {@link Cable#emit(String, String, Object, String)}.
     */
    public CableMessage emit(String event, Object payload, String idempotencyKey) {
        return cable.emit(channel, event, payload, idempotencyKey);
    }

    /**
     * Emits {@value #DOM_UPDATE} with {@code {selector, html}}: cable.js replaces the inner HTML of
     * the elements matching {@code selector}. The HTML must come from trusted server code.
     */
    public CableMessage update(String selector, String html) {
        if (selector == null || selector.isBlank()) {
            throw new CableException("update needs a CSS selector, e.g. \"#counter\"");
        }
        return emit(DOM_UPDATE, new DomUpdate(selector, html == null ? "" : html));
    }

    /**
     * Emits {@value #DOM_TEXT} with {@code {selector, text}}: cable.js sets the text content of the
     * matching elements. The safe variant for anything derived from user input.
     */
    public CableMessage updateText(String selector, String text) {
        if (selector == null || selector.isBlank()) {
            throw new CableException("updateText needs a CSS selector, e.g. \"#counter\"");
        }
        return emit(DOM_TEXT, new DomText(selector, text == null ? "" : text));
    }

    /** The payload of a {@value #DOM_UPDATE} event. */
    public record DomUpdate(String selector, String html) {
    }

    /** The payload of a {@value #DOM_TEXT} event. */
    public record DomText(String selector, String text) {
    }

    @Override
    public String toString() {
        return "ChannelTarget[" + channel + "]";
    }
}
