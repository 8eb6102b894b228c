package dev.cable;

/**
 * Thrown when Cable is used in a way it cannot honour: a missing or invalid channel or event name,
 * a payload that cannot be serialized or is too large, an invalid cursor. Nothing was stored.
 * The message says what was wrong and how to fix it; the HTTP endpoints answer it with a 4xx.
 */
public class CableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    /** What kind of misuse this was; the HTTP layer maps it to a status code. */
    public enum Reason {
        /** The input is malformed or violates a rule (HTTP 400). */
        INVALID,
        /** The payload or request is larger than the configured limit (HTTP 413). */
        TOO_LARGE
    }

    public CableException(String message) {
        this(Reason.INVALID, message, null);
    }

    public CableException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
