package dev.cable.demo;

import dev.cable.PresenceIdentity;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Optional;

/**
 * The demo's presence identity: the user who logged in to the demo in this HTTP session, else (and
 * always when the demo is off) the authenticated principal, like the library's default. Lowest
 * priority, so any application's own identity bean wins.
 */
@ApplicationScoped
@Alternative
@Priority(0)
public class DemoIdentity implements PresenceIdentity {

    static final String SESSION_USER = "cable.demo.user";

    @Inject
    HttpServletRequest request;

    @Inject
    DemoSwitch demo;

    @Override
    public Optional<String> currentUser() {
        if (demo.enabled()) {
            HttpSession session = request.getSession(false);
            if (session != null && session.getAttribute(SESSION_USER) instanceof DemoUser user) {
                return Optional.of(user.id());
            }
        }
        Principal principal = request.getUserPrincipal();
        return principal == null ? Optional.empty() : Optional.of(principal.getName());
    }
}
