package dev.cable.rest;

import dev.cable.CableException;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses bodies above {@code cable.max-request-bytes} before anything parses them: by the declared
 * {@code Content-Length} at once, and for chunked bodies as soon as the limit is crossed.
 */
public class RequestSizeLimit implements ContainerRequestFilter {

    @Inject
    @ConfigProperty(name = "cable.max-request-bytes")
    int maxRequestBytes;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxRequestBytes) {
            // The unread body would be taken for the next request on a kept-alive connection: close it.
            request.abortWith(ErrorBody.builder(413, tooLarge().getMessage())
                    .header("Connection", "close")
                    .build());
            return;
        }
        request.setEntityStream(new Bounded(request.getEntityStream(), maxRequestBytes));
    }

    private CableException tooLarge() {
        return new CableException(CableException.Reason.TOO_LARGE,
                "the request body is larger than cable.max-request-bytes (" + maxRequestBytes + " bytes)");
    }

    private final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --remaining < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                remaining -= n;
                if (remaining < 0) {
                    throw tooLarge();
                }
            }
            return n;
        }
    }
}
