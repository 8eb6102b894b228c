package dev.cable.redis;

/**
 * The Redis key names of a channel. Both keys of a channel share the hash tag {@code {channel}}, so
 * the emit script touches a single hash slot and also runs on Redis Cluster.
 */
final class RedisKeys {

    static final String MESSAGES_SUFFIX = ":messages";
    static final String META_SUFFIX = ":meta";
    static final String PRESENCE_SUFFIX = ":presence";

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

    /** String remembering an idempotency key used on a channel ("id\nms"), expiring with retention. */
    String idempotency(String channel, String key) {
        return prefix + "{" + channel + "}:once:" + key;
    }

    /** Sorted set of a channel's presence sessions, scored by expiry. */
    String presenceSessions(String channel) {
        return prefix + "{" + channel + "}" + PRESENCE_SUFFIX;
    }

    /** Hash of the users announced as present in a channel, with their info. */
    String presenceMembers(String channel) {
        return prefix + "{" + channel + "}:members";
    }

    /** Hash of the number of live sessions per user in a channel. */
    String presenceCounts(String channel) {
        return prefix + "{" + channel + "}:counts";
    }

    /** The pub/sub channel on which every emit announces "id channel" (not a key: no hash slot). */
    String headsTopic() {
        return prefix + "heads";
    }

    /** Set of the channels a user joined (checked against the channels' members when read). */
    String userChannels(String userId) {
        return prefix + "user:{" + userId + "}:channels";
    }

    /** The SCAN pattern matching every presence session set. */
    String presencePattern() {
        return escapedPrefix() + "{*}" + PRESENCE_SUFFIX;
    }

    /** The channel a presence-session key belongs to. */
    String channelOfPresence(String sessionsKey) {
        return sessionsKey.substring(prefix.length() + 1, sessionsKey.length() - PRESENCE_SUFFIX.length() - 1);
    }

    private String escapedPrefix() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /** The SCAN pattern matching every message set; glob characters of the prefix are escaped. */
    String messagesPattern() {
        return escapedPrefix() + "{*}" + MESSAGES_SUFFIX;
    }
}
