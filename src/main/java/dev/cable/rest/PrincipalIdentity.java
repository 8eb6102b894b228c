package dev.cable.rest;

import dev.cable.PresenceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Optional;

/** The default {@link PresenceIdentity}: the name of the request's authenticated principal. */
@ApplicationScoped
public class PrincipalIdentity implements PresenceIdentity {

    @Inject
    HttpServletRequest request;

    @Override
    public Optional<String> currentUser() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.ofNullable(principal.getName()).filter(n -> !n.isBlank());
    }
}
