package dev.cable.rest;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Keeps Cable's endpoints under {@code /cable}. An application whose own JAX-RS {@code Application}
 * lists no classes is given every {@code @Path} class of the WAR, the library's jar included
 * (Jakarta REST 3.1, 2.3.2), so without this {@code POST /api/poll} would answer a poll there, outside
 * Cable's filters. This filter is the one Cable provider discovered that way; it is bound to Cable's
 * resources only ({@link CableEndpoint}) and answers 404 unless the request came through
 * {@link CableApplication}.
 */
@Provider
@CableEndpoint
public class ForeignApplicationGuard implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.getUriInfo().getBaseUri().getPath().endsWith("/" + CableApplication.PATH + "/")) {
            throw new NotFoundException();
        }
    }
}
