package dev.cable.rest;

import dev.cable.CableException;
import dev.cable.CableUnavailableException;
import dev.cable.internal.CableMetrics;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Invalid input becomes 400 (413 when too large) with the reason; a backend outage becomes 503 with
 * {@code Retry-After}, its details going to the log rather than to the client.
 */
public class CableExceptionMapper implements ExceptionMapper<CableException> {

    /** Seconds a client should wait after a 503 before polling again. */
    static final String RETRY_AFTER_SECONDS = "5";

    private static final Logger LOG = Logger.getLogger(CableExceptionMapper.class.getName());

    @Inject
    CableMetrics metrics;

    @Override
    public Response toResponse(CableException e) {
        if (e instanceof CableUnavailableException) {
            metrics.backendError();
            LOG.log(Level.WARNING, e.getMessage());
            return ErrorBody.builder(503, "the message store is unavailable; retry later")
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                    .build();
        }
        int status = e.reason() == CableException.Reason.TOO_LARGE ? 413 : 400;
        return ErrorBody.response(status, e.getMessage());
    }
}
