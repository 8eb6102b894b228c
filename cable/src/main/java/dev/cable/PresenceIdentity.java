package dev.cable;

import java.util.Optional;

/**
 * Says who the caller of a presence endpoint is. The default uses the request's authenticated
 * principal; an application replaces it with a CDI bean of its own that implements this interface
 * (any scope, no {@code @Alternative} needed), e.g. to read its session.
 * It is never the request body: a client-supplied user id is accepted only when
 * {@code cable.presence.client-user-id=true}.
 */
public interface PresenceIdentity {

    /** The caller's user id, or empty when the caller is not authenticated (the endpoint answers 401). */
    Optional<String> currentUser();
}
