package dev.cable.rest;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The address a request comes from, as the per-address limits count it (the rate limit, the long
 * polls one address may park). Behind proxies ({@code cable.rate-limit.forwarded=true}) it is the
 * rightmost {@code X-Forwarded-For} entry that is not a trusted proxy
 * ({@code cable.rate-limit.trusted-proxies}; the direct peer always is one): proxies append what
 * they saw, so entries left of it are whatever the client wrote and must not choose the address.
 */
@ApplicationScoped
public class ClientAddresses {

    @Inject
    @ConfigProperty(name = "cable.rate-limit.forwarded")
    boolean forwarded;

    /** A comma-separated string of addresses and CIDR ranges. */
    @Inject
    @ConfigProperty(name = "cable.rate-limit.trusted-proxies")
    Optional<String> trustedProxies;

    private List<AddressRange> trusted;

    /** A malformed setting fails the deployment, not every request. */
    @PostConstruct
    void readTrustedProxies() {
        trusted = AddressRange.parseList(trustedProxies.orElse(""));
    }

    /** The client address of a request. */
    public String of(HttpServletRequest request) {
        String peer = request == null ? "unknown" : request.getRemoteAddr();
        return clientAddress(peer, forwarded && request != null ? request.getHeader("X-Forwarded-For") : null, trusted);
    }

    /**
     * The rightmost address of the chain (the header's entries, then the peer) that is not a trusted
     * proxy; the peer counts as trusted when the header is used, since it is the proxy that wrote
     * it. Without a header, or with a peer that is not in a configured trusted list, the peer.
     */
    static String clientAddress(String peer, String forwardedFor, List<AddressRange> trusted) {
        if (forwardedFor == null || forwardedFor.isBlank()
                || (!trusted.isEmpty() && trusted.stream().noneMatch(r -> r.contains(peer)))) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty()) {
                continue;
            }
            if (i == 0 || trusted.stream().noneMatch(r -> r.contains(hop))) {
                return hop;
            }
        }
        return peer;
    }
}
