package dev.cable;

/**
 * Thrown when the driver's backend (database or Redis) cannot be reached or failed mid-operation.
 * Usually the emit's event was not stored, but when the connection drops after the write (a commit
 * acknowledged by the database but not by the network) it may have been: retry with an idempotency
 * key ({@link Cable#emit(String, String, Object, String)}) to be safe. The HTTP endpoints answer it
 * with 503 and {@code Retry-After}; Cable recovers by itself once the backend is back.
 */
public class CableUnavailableException extends CableException {

    private static final long serialVersionUID = 1L;

    public CableUnavailableException(String message, Throwable cause) {
        super(Reason.INVALID, message, cause);
    }
}
