package dev.cable.rest;

import dev.cable.PresenceIdentity;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** Who calls an endpoint: the application's {@link PresenceIdentity} bean, else the authenticated principal. */
@ApplicationScoped
public class CallerIdentity {

    @Inject
    Instance<PresenceIdentity> applicationIdentity;

    @Inject
    HttpServletRequest request;

    private static final String RESOLVED = CallerIdentity.class.getName() + ".user";

    private PresenceIdentity identity;

    @PostConstruct
    void choose() {
        identity = applicationIdentity.isUnsatisfied() ? new PrincipalIdentity(request) : applicationIdentity.get();
    }

    /**
     * The caller's user id, or empty when the caller is not authenticated. Resolved once per request
     * (kept as a request attribute): the rate limit asks on every request, and a poll with private
     * channels asks again; an application's identity may cost a session or database lookup.
     */
    @SuppressWarnings("unchecked")
    public Optional<String> currentUser() {
        if (request.getAttribute(RESOLVED) instanceof Optional<?> known) {
            return (Optional<String>) known;
        }
        Optional<String> user = identity.currentUser();
        request.setAttribute(RESOLVED, user);
        return user;
    }
}
