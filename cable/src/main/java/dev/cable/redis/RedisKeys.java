package dev.cable.redis;

/**
 * The Redis key names of a channel. Every key of a channel shares the hash tag {@code {channel}}, so
 * the emit script touches a single hash slot and also runs on Redis Cluster.
 *
 * <p>Names written by users (channels, user ids, idempotency keys) are escaped so that none can
 * close the hash tag or imitate another key's suffix: {@code \} becomes {@code \\} and
 * <code>}</code> becomes {@code \)}. Without it the channel <code>x}:once:k</code> and the
 * idempotency key <code>k}:messages</code> of channel {@code x} named one key, and any name
 * ending in <code>}:messages</code> was swept by the cleanup's SCAN. Names without either character
 * (nearly all) keep the keys they had.
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
        return tagged(channel) + META_SUFFIX;
    }

    private String tagged(String channel) {
        return prefix + "{" + escape(channel) + "}";
    }

    /** A user-written name as it appears in a key: without a closing brace, reversibly. */
    static String escape(String name) {
        if (name.indexOf('}') < 0 && name.indexOf('\\') < 0) {
            return name;
        }
        return name.replace("\\", "\\\\").replace("}", "\\)");
    }

    static String unescape(String escaped) {
        if (escaped.indexOf('\\') < 0) {
            return escaped;
        }
        StringBuilder name = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\' && i + 1 < escaped.length()) {
                char next = escaped.charAt(++i);
                name.append(next == ')' ? '}' : next);
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    /** Sorted set of the channel's messages, scored by id. */
    String messages(String channel) {
        return tagged(channel) + MESSAGES_SUFFIX;
    }

    /** String remembering an idempotency key used on a channel ("id\nms"), expiring with retention. */
    String idempotency(String channel, String key) {
        return tagged(channel) + ":once:" + escape(key);
    }

    /** Sorted set of a channel's presence sessions, scored by expiry. */
    String presenceSessions(String channel) {
        return tagged(channel) + PRESENCE_SUFFIX;
    }

    /** Hash of the users announced as present in a channel, with their info. */
    String presenceMembers(String channel) {
        return tagged(channel) + ":members";
    }

    /** Hash of the number of live sessions per user in a channel. */
    String presenceCounts(String channel) {
        return tagged(channel) + ":counts";
    }

    /** Counter of a channel's presence version (the last change announced). */
    String presenceVersion(String channel) {
        return tagged(channel) + ":presence-version";
    }

    /** Sorted set of the ids of a channel's announced members, all scored 0: pages in id order. */
    String presenceIndex(String channel) {
        return tagged(channel) + ":member-ids";
    }

    /** The pub/sub channel on which every emit announces "id channel" (not a key: no hash slot). */
    String headsTopic() {
        return prefix + "heads";
    }

    /** Set of the channels a user joined (checked against the channels' members when read). */
    String userChannels(String userId) {
        return prefix + "user:{" + escape(userId) + "}:channels";
    }

    /** The SCAN pattern matching every presence session set. */
    String presencePattern() {
        return escapedPrefix() + "{*}" + PRESENCE_SUFFIX;
    }

    /** The channel a presence-session key belongs to. */
    String channelOfPresence(String sessionsKey) {
        return unescape(sessionsKey.substring(prefix.length() + 1, sessionsKey.length() - PRESENCE_SUFFIX.length() - 1));
    }

    private String escapedPrefix() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    /** The SCAN pattern matching every message set; glob characters of the prefix are escaped. */
    String messagesPattern() {
        return escapedPrefix() + "{*}" + MESSAGES_SUFFIX;
    }
}
