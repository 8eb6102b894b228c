package dev.cable;

/**
 * Thrown when the driver's backend (database or Redis) cannot be reached or failed mid-operation.
 * An emit that throws this did not store its event (or its transaction is rolled back), so the
 * caller may retry. The HTTP endpoints answer it with 503 and {@code Retry-After}; Cable recovers
 * by itself once the backend is back.
 */
public class CableUnavailableException extends CableException {

    private static final long serialVersionUID = 1L;

    public CableUnavailableException(String message, Throwable cause) {
        super(Reason.INVALID, message, cause);
    }
}
