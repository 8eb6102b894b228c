package dev.cable;

/**
 * Where a channel's ids stand, as a driver reports it.
 *
 * <p>A channel's life begins when its first event is stored: the driver picks a {@code base}
 * derived from the clock ({@link #freshBase(long)}) and numbers the events {@code base + 1,
 * base + 2, ...} without gaps. If the store loses the channel (a Redis restart, a flushed database),
 * the next life starts at a new, larger base, so a cursor from the old life can never be mistaken
 * for a position in the new one.
 *
 * @param base the id just before the first event of the channel's current life; 0 if the channel
 *             has never stored an event (or the store lost it)
 * @param head the id of the newest event; equals {@code base} when nothing was stored yet, 0 when
 *             the channel does not exist
 */
public record ChannelState(long base, long head) {

    /** The state of a channel the store knows nothing about. */
    public static final ChannelState UNKNOWN = new ChannelState(0, 0);

    /** The largest id a JavaScript client can hold exactly. */
    public static final long MAX_ID = (1L << 53) - 1;

    public ChannelState {
        if (base < 0 || head < base || head > MAX_ID) {
            throw new IllegalArgumentException("invalid channel state base=" + base + " head=" + head);
        }
    }

    /** True if the store has no trace of the channel. */
    public boolean isUnknown() {
        return head == 0;
    }

    /**
     * The base for a channel life starting at {@code epochMillis}: milliseconds × 1000. It leaves room
     * for 1000 events per millisecond of downtime before a new life could overlap an old one, and it
     * stays below 2^53 until the year 2255.
     */
    public static long freshBase(long epochMillis) {
        return epochMillis * 1000L;
    }
}
