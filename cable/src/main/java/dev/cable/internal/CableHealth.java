package dev.cable.internal;

import dev.cable.CableDriver;
import dev.cable.CableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness: UP while the driver's backend answers a ping (a query, or Redis PING). */
@Readiness
@ApplicationScoped
public class CableHealth implements HealthCheck {

    @Inject
    CableDriver driver;

    @Override
    public HealthCheckResponse call() {
        try {
            driver.ping();
            return HealthCheckResponse.named("cable").up().withData("driver", driver.describe()).build();
        } catch (CableException e) {
            return HealthCheckResponse.named("cable").down().withData("driver", driver.describe())
                    .withData("error", e.getMessage()).build();
        }
    }
}
