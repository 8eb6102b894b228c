package dev.cable.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/**
 * Cable's HTTP endpoints live under {@code /cable} (docs/protocol.md); the server describes them at
 * {@code /openapi} (MicroProfile OpenAPI).
 */
@ApplicationPath("cable")
@OpenAPIDefinition(info = @Info(title = "Cable", version = "1",
        description = "Soft real-time events over HTTP polling: poll, publish and presence endpoints. "
                + "Wire contract and delivery rules: docs/protocol.md."))
public class CableApplication extends Application {
}
