package dev.cable.internal;

import dev.cable.Presence;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Announces presence sessions that timed out, every {@code cable.presence.sweep-interval}.
 * Non-persistent: every node runs its own, and the drivers make sure a change is announced once.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PresenceSweeper {

    private static final Logger LOG = Logger.getLogger(PresenceSweeper.class.getName());

    @Resource
    TimerService timers;

    @Inject
    Presence presence;

    @Inject
    @ConfigProperty(name = "cable.presence.sweep-interval")
    Duration interval;

    @Inject
    @ConfigProperty(name = "cable.cleanup.enabled")
    boolean enabled;

    @PostConstruct
    void schedule() {
        if (enabled) {
            long millis = Math.max(500, interval.toMillis());
            timers.createIntervalTimer(millis, millis, new TimerConfig("cable-presence-sweep", false));
        }
    }

    @Timeout
    void sweep() {
        try {
            presence.cleanup();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cable presence sweep failed; it runs again in " + interval + ": " + e.getMessage());
        }
    }
}
