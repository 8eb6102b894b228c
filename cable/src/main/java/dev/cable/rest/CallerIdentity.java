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

    private PresenceIdentity identity;

    @PostConstruct
    void choose() {
        identity = applicationIdentity.isUnsatisfied() ? new PrincipalIdentity(request) : applicationIdentity.get();
    }

    /** The caller's user id, or empty when the caller is not authenticated. */
    public Optional<String> currentUser() {
        return identity.currentUser();
    }
}
