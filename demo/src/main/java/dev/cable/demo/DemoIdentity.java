package dev.cable.demo;

import dev.cable.PresenceIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Optional;

/**
 * The demo's presence identity: the user who logged in to the demo in this HTTP session, else the
 * authenticated principal, like the library's default. A plain bean: Cable uses an application's
 * PresenceIdentity bean when it has one.
 */
@ApplicationScoped
public class DemoIdentity implements PresenceIdentity {

    static final String SESSION_USER = "cable.demo.user";

    @Inject
    HttpServletRequest request;

    @Override
    public Optional<String> currentUser() {
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(SESSION_USER) instanceof DemoUser user) {
            return Optional.of(user.id());
        }
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.of(principal.getName());
    }
}
