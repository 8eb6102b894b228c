package dev.cable.rest;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A token bucket per client address on the poll and presence endpoints: {@code cable.rate-limit.per-second}
 * requests per second with bursts of twice that; beyond it 429 with {@code Retry-After}. Behind a
 * proxy, set {@code cable.rate-limit.forwarded=true} to key on the first {@code X-Forwarded-For}.
 */
public class RateLimit implements ContainerRequestFilter {

    private static final int MAX_CLIENTS = 100_000;

    @Inject
    @ConfigProperty(name = "cable.rate-limit.per-second")
    double perSecond;

    @Inject
    @ConfigProperty(name = "cable.rate-limit.forwarded")
    boolean forwarded;

    @Context
    HttpServletRequest servletRequest;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Tokens refill continuously; a request takes one. */
    static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double capacity, long now) {
            this.tokens = capacity;
            this.refilledAt = now;
        }

        /** Takes a token, or answers how many milliseconds until one is there. */
        synchronized long take(double perSecond, double capacity, long now) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perSecond / 1000.0);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 1000.0 / perSecond);
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (perSecond <= 0 || !(path.startsWith("poll") || path.startsWith("presence"))) {
            return;
        }
        long now = System.currentTimeMillis();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.clear(); // a flood of addresses: start over rather than grow without bound
        }
        double capacity = Math.max(1, perSecond * 2);
        long waitMillis = buckets.computeIfAbsent(client(request), c -> new Bucket(capacity, now))
                .take(perSecond, capacity, now);
        if (waitMillis > 0) {
            throw Refusal.tooMany("too many requests from this client: at most "
                    + perSecond + " per second (cable.rate-limit.per-second)", (waitMillis + 999) / 1000);
        }
    }

    private String client(ContainerRequestContext request) {
        if (forwarded) {
            String header = request.getHeaderString("X-Forwarded-For");
            if (header != null && !header.isBlank()) {
                return header.split(",")[0].strip();
            }
        }
        return servletRequest == null ? "unknown" : servletRequest.getRemoteAddr();
    }
}
