package dev.cable.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/**
 * Cable's HTTP endpoints live under {@code /cable} (docs/protocol.md), next to the application's own
 * JAX-RS application; the server describes them at {@code /openapi} (MicroProfile OpenAPI). The
 * classes are listed, so Cable serves none of the application's resources and its filters and
 * exception mappers (not annotated {@code @Provider}) touch none of the application's requests.
 */
@ApplicationPath(CableApplication.PATH)
@OpenAPIDefinition(info = @Info(title = "Cable", version = "1",
        description = "Soft real-time events over HTTP polling: poll, publish and presence endpoints. "
                + "Wire contract and delivery rules: docs/protocol.md."))
public class CableApplication extends Application {

    /** The path of every Cable endpoint, below the context root. */
    public static final String PATH = "cable";

    private static final Set<Class<?>> CLASSES = Set.of(
            PollResource.class, PresenceResource.class, PublishResource.class,
            ForeignApplicationGuard.class, OriginCheck.class, RateLimit.class,
            CableExceptionMapper.class, WebApplicationExceptionMapper.class, UnexpectedExceptionMapper.class);

    @Override
    public Set<Class<?>> getClasses() {
        return CLASSES;
    }
}
