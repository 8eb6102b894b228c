package dev.cable;

/**
 * The naming rules for channels and events: 1 to 255 characters, no control characters (and no
 * unpaired surrogates). {@link Cable} applies them on every emit and read; use them to check input
 * before doing work you would have to undo.
 */
public final class CableNames {

    public static final int MAX_LENGTH = 255;

    private CableNames() {
    }

    /** Returns the channel name, or throws {@link CableException} saying what is wrong with it. */
    public static String requireChannel(String channel) {
        return require("channel", channel);
    }

    /** Returns the event name, or throws {@link CableException} saying what is wrong with it. */
    public static String requireEvent(String event) {
        return require("event", event);
    }

    /** Returns the user id, or throws {@link CableException} saying what is wrong with it. */
    public static String requireUser(String userId) {
        return require("user id", userId);
    }

    /** Returns the idempotency key (1-128 printable characters), or throws {@link CableException}. */
    public static String requireIdempotencyKey(String key) {
        if (key == null || key.isEmpty() || key.length() > 128 || key.chars().anyMatch(Character::isISOControl)) {
            throw new CableException("an idempotency key is 1-128 printable characters");
        }
        return key;
    }

    private static String require(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new CableException("a " + what + (what.startsWith("user") ? "" : " name")
                    + " is required (1-" + MAX_LENGTH + " characters)");
        }
        if (name.length() > MAX_LENGTH) {
            throw new CableException("the " + what + (what.startsWith("user") ? "" : " name") + " is " + name.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                throw new CableException("the " + what + (what.startsWith("user") ? "" : " name")
                        + " contains a control character at position "
                        + i + "; use printable characters only");
            }
            if (Character.isSurrogate(c) && !isPairedSurrogate(name, i)) {
                throw new CableException("the " + what + (what.startsWith("user") ? "" : " name")
                        + " contains an unpaired surrogate at position " + i);
            }
        }
        return name;
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
