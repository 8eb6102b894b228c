package dev.cable.rest;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Token buckets on the poll, presence and publish endpoints, beyond which a request gets 429 with
 * {@code Retry-After} (docs/security.md explains the defaults):
 * <ul>
 * <li>per signed-in user ({@link CallerIdentity}): {@code cable.rate-limit.per-second}, bursts of
 * twice that; a browser needs well under one request a second;</li>
 * <li>per client address: {@code cable.rate-limit.per-address}, a ceiling generous enough for a
 * crowd behind one address (an office, a campus, carrier-grade NAT), where anonymous visitors and
 * a client that fakes identities meet it;</li>
 * <li>publishing, per client address: {@code cable.rate-limit.publish-per-address} (backends
 * publish in bursts; the limit bounds what a leaked token or a runaway job can do).</li>
 * </ul>
 * Behind proxies the address is the one {@link ClientAddresses} finds, never an entry the client
 * wrote into {@code X-Forwarded-For}.
 */
public class RateLimit implements ContainerRequestFilter {

    private static final int MAX_CLIENTS = 100_000;

    @Inject
    @ConfigProperty(name = "cable.rate-limit.per-second")
    double perSecond;

    @Inject
    @ConfigProperty(name = "cable.rate-limit.per-address")
    double perAddress;

    @Inject
    @ConfigProperty(name = "cable.rate-limit.publish-per-address")
    double publishPerAddress;

    @Inject
    ClientAddresses addresses;

    @Inject
    CallerIdentity caller;

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
        if (perSecond <= 0 || !(path.startsWith("poll") || path.startsWith("presence") || path.startsWith("publish"))) {
            return;
        }
        long now = System.currentTimeMillis();
        if (buckets.size() > MAX_CLIENTS) {
            buckets.clear(); // a flood of addresses: start over rather than grow without bound
        }
        if (path.startsWith("publish")) {
            if (publishPerAddress > 0) {
                take("publish " + addresses.of(servletRequest), publishPerAddress,
                        "per client address (cable.rate-limit.publish-per-address)", now);
            }
            return;
        }
        if (perAddress > 0) {
            take("address " + addresses.of(servletRequest), perAddress, "per client address (cable.rate-limit.per-address)", now);
        }
        Optional<String> user = caller.currentUser();
        if (user.isPresent()) {
            take("user " + user.get(), perSecond, "per user (cable.rate-limit.per-second)", now);
        }
    }

    private void take(String key, double rate, String what, long now) {
        double capacity = Math.max(1, rate * 2);
        long waitMillis = buckets.computeIfAbsent(key, k -> new Bucket(capacity, now)).take(rate, capacity, now);
        if (waitMillis > 0) {
            throw Refusal.tooMany("too many requests: at most " + rate + " per second " + what,
                    (waitMillis + 999) / 1000);
        }
    }
}
