package dev.cable.redis;

/**
 * The Redis key names of a channel. Both keys of a channel share the hash tag {@code {channel}}, so
 * the emit script touches a single hash slot and also runs on Redis Cluster.
 */
final class RedisKeys {

    static final String MESSAGES_SUFFIX = ":messages";
    static final String META_SUFFIX = ":meta";

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** Hash with fields {@code base} and {@code head} (ids of the channel's current life). */
    String meta(String channel) {
        return prefix + "{" + channel + "}" + META_SUFFIX;
    }

    /** Sorted set of the channel's messages, scored by id. */
    String messages(String channel) {
        return prefix + "{" + channel + "}" + MESSAGES_SUFFIX;
    }

    /** The SCAN pattern matching every message set; glob characters of the prefix are escaped. */
    String messagesPattern() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "{*}" + MESSAGES_SUFFIX;
    }

    /** The channel a message-set key belongs to. */
    String channelOf(String messagesKey) {
        return messagesKey.substring(prefix.length() + 1, messagesKey.length() - MESSAGES_SUFFIX.length() - 1);
    }
}
