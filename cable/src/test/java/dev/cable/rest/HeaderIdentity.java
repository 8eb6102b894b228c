package dev.cable.rest;

import dev.cable.PresenceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * A replacement {@link PresenceIdentity}, as an application would write one: a plain bean (no
 * {@code @Alternative}), which Cable must prefer to its own default. Here the user comes from a
 * header the test's "login" sets.
 */
@ApplicationScoped
public class HeaderIdentity implements PresenceIdentity {

    public static final String HEADER = "X-Test-User";

    @Inject
    HttpServletRequest request;

    @Override
    public Optional<String> currentUser() {
        return Optional.ofNullable(request.getHeader(HEADER));
    }
}
