package dev.cable.rest;

import dev.cable.PresenceIdentity;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Optional;

/**
 * The {@link PresenceIdentity} of an application that has none: the name of the request's
 * authenticated principal. Not a bean, so an application's own identity bean needs no
 * {@code @Alternative} to win ({@link CallerIdentity} picks).
 */
final class PrincipalIdentity implements PresenceIdentity {

    private final HttpServletRequest request;

    PrincipalIdentity(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public Optional<String> currentUser() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.ofNullable(principal.getName()).filter(n -> !n.isBlank());
    }
}
