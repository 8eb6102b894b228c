package dev.cable.demo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether the demo runs ({@code cable.demo.enabled}, off by default): its login lets anyone pick a
 * name, which must never be live in a production deployment of this WAR.
 */
@ApplicationScoped
public class DemoSwitch {

    @Inject
    @ConfigProperty(name = "cable.demo.enabled")
    boolean enabled;

    public boolean enabled() {
        return enabled;
    }
}
