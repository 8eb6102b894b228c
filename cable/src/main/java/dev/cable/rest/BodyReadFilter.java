package dev.cable.rest;

import dev.cable.internal.CableMetrics;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads the JSON bodies of Cable's POSTs before the endpoint runs, so that what a slow or vanishing
 * client can hold is bounded. A few hundred connections sending their body one byte every few
 * seconds used to hold every request thread (normal polls waited 15 s) on a server deployed without
 * a buffering proxy in front:
 * <ul>
 * <li>one client address reads at most {@code cable.request-body.reads-per-address} bodies at a time;
 * its further requests get 429 at once, without a thread waiting on them, so a trickling client
 * holds a handful of threads, not all of them;</li>
 * <li>a body still incomplete {@code cable.request-body.timeout} after it began gets 408 at its next
 * byte (a client that sends nothing more is cut by the server's own read timeout);</li>
 * <li>a body above {@code cable.max-request-bytes} gets 413 as soon as that is known;</li>
 * <li>a client that goes away mid-body is counted ({@code cable.requests.aborted}) and logged in one
 * line, not with a stack trace per abort.</li>
 * </ul>
 * Reading without a thread (a servlet {@code ReadListener}) would bound it fully, but the endpoint
 * then runs in an async dispatch, where Payara gives the application's beans no
 * {@code HttpServletRequest} (WELD-000710): an application's {@code PresenceIdentity} that injects
 * it would fail.
 */
@WebFilter(urlPatterns = "/cable/*", asyncSupported = true) // long polls suspend behind it
public class BodyReadFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(BodyReadFilter.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    @ConfigProperty(name = "cable.max-request-bytes")
    int maxRequestBytes;

    @Inject
    @ConfigProperty(name = "cable.request-body.timeout")
    Duration bodyTimeout;

    @Inject
    @ConfigProperty(name = "cable.request-body.reads-per-address")
    int readsPerAddress;

    @Inject
    ClientAddresses addresses;

    @Inject
    CableMetrics metrics;

    private final AddressSlots reading = new AddressSlots();
    private final AtomicLong aborted = new AtomicLong();

    /** A body that took too long, was too large, or never came whole. */
    private static final class BodyFailure extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        BodyFailure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!"POST".equals(request.getMethod()) || !JsonOnlyFilter.isJson(request.getContentType())
                || request.getContentLengthLong() == 0) {
            chain.doFilter(request, response); // JsonOnlyFilter refuses other POST bodies
            return;
        }
        if (request.getContentLengthLong() > maxRequestBytes) {
            refuse(response, 413, tooLarge(), null);
            return;
        }
        String address = addresses.of(request);
        if (!reading.claim(address, readsPerAddress)) {
            refuse(response, 429, "too many request bodies being sent from this address at once: at most "
                    + readsPerAddress + " (cable.request-body.reads-per-address)", "1");
            return;
        }
        byte[] body;
        try {
            body = read(request.getInputStream());
        } catch (BodyFailure e) {
            refuse(response, e.status, e.getMessage(), null);
            return;
        } catch (IOException e) {
            countAbort(e);
            return; // the client is gone: nobody to answer
        } finally {
            reading.release(address);
        }
        chain.doFilter(new ReadBody(request, body), response);
    }

    private byte[] read(InputStream in) throws IOException {
        long deadline = System.nanoTime() + bodyTimeout.toNanos();
        ByteArrayOutputStream body = new ByteArrayOutputStream(512);
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            body.write(buffer, 0, n);
            if (body.size() > maxRequestBytes) {
                throw new BodyFailure(413, tooLarge());
            }
            if (System.nanoTime() > deadline) {
                throw new BodyFailure(408, "the request body did not arrive within cable.request-body.timeout ("
                        + bodyTimeout + "); " + body.size() + " bytes came");
            }
        }
        return body.toByteArray();
    }

    private String tooLarge() {
        return "the request body is larger than cable.max-request-bytes (" + maxRequestBytes + " bytes)";
    }

    /** A JSON error; the connection is closed, so an unread rest of the body is never taken for a request. */
    private static void refuse(HttpServletResponse response, int status, String message, String retryAfter)
            throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close");
        if (retryAfter != null) {
            response.setHeader("Retry-After", retryAfter);
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.createObjectBuilder().add("error", message).build().toString()
                .getBytes(StandardCharsets.UTF_8));
    }

    private void countAbort(IOException failure) {
        metrics.abortedBody();
        if (aborted.incrementAndGet() == 1) {
            LOG.info(() -> "a client went away while sending a request body (" + failure
                    + "); further ones are counted in the metric cable.requests.aborted");
        } else {
            LOG.log(Level.FINE, "a client went away while sending a request body: {0}", failure);
        }
    }

    /** The request with its body read already. */
    private static final class ReadBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return bytes.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body has been read already");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
