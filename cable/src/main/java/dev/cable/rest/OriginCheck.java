package dev.cable.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code cable.allowed-origins}: when set, a request whose {@code Origin} is not listed is refused
 * (403), and listed origins get CORS headers and answered preflights, so cross-origin clients work.
 * Unset (the default), no CORS headers are sent: browsers then keep other origins' scripts out, and
 * JSON-only endpoints rule out cross-site form posts.
 *
 * <p>Credentials (cookies, HTTP authentication) are allowed only to origins listed by name, which
 * are echoed. {@code *} lets any origin read public channels without credentials: it is answered
 * with {@code Access-Control-Allow-Origin: *} and never with {@code Allow-Credentials}, because
 * echoing any origin with credentials let every web site read private channels and act in presence
 * as the visitor. The origin {@code null} (sandboxed frames, {@code file:} pages, some redirects)
 * is anyone's: it is never echoed, even if listed.
 */
@PreMatching
public class OriginCheck implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Requested-With, X-CSRF-Token";

    /** A comma-separated string: Payara's config producer cannot inject {@code Optional<List<String>>}. */
    @Inject
    @ConfigProperty(name = "cable.allowed-origins")
    Optional<String> allowedOrigins;

    @Override
    public void filter(ContainerRequestContext request) {
        String origin = request.getHeaderString("Origin");
        if (origin == null || allowedOrigins.filter(o -> !o.isBlank()).isEmpty()) {
            return;
        }
        if (!allowed(origin) && !wildcard()) {
            request.abortWith(ErrorBody.response(403, "requests from origin " + origin
                    + " are not allowed (cable.allowed-origins)"));
            return;
        }
        if ("OPTIONS".equals(request.getMethod()) && request.getHeaderString("Access-Control-Request-Method") != null) {
            request.abortWith(Response.noContent()
                    .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                    .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                    .header("Access-Control-Max-Age", "600")
                    .build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String origin = request.getHeaderString("Origin");
        if (origin == null || allowedOrigins.filter(o -> !o.isBlank()).isEmpty()) {
            return;
        }
        response.getHeaders().add("Vary", "Origin");
        if (allowed(origin)) {
            response.getHeaders().putSingle("Access-Control-Allow-Origin", origin);
            response.getHeaders().putSingle("Access-Control-Allow-Credentials", "true");
        } else if (wildcard()) {
            response.getHeaders().putSingle("Access-Control-Allow-Origin", "*");
        }
    }

    /** Listed by name; {@code null} never is. */
    private boolean allowed(String origin) {
        return !"null".equalsIgnoreCase(origin.strip()) && Arrays.stream(allowedOrigins.get().split(","))
                .map(String::strip).anyMatch(o -> o.equalsIgnoreCase(origin));
    }

    private boolean wildcard() {
        return Arrays.stream(allowedOrigins.get().split(",")).map(String::strip).anyMatch("*"::equals);
    }
}
