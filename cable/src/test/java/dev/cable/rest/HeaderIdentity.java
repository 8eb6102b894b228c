package dev.cable.rest;

import dev.cable.PresenceIdentity;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * A replacement {@link PresenceIdentity}, as an application would write one: here the user comes
 * from a header the test's "login" sets.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class HeaderIdentity implements PresenceIdentity {

    public static final String HEADER = "X-Test-User";

    @Inject
    HttpServletRequest request;

    @Override
    public Optional<String> currentUser() {
        return Optional.ofNullable(request.getHeader(HEADER));
    }
}
