package dev.cable.internal;

import dev.cable.Cable;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Deletes messages older than {@code cable.retention} every minute. Non-persistent, so every node
 * runs its own; concurrent runs only find less to delete.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CleanupTimer {

    private static final Logger LOG = Logger.getLogger(CleanupTimer.class.getName());

    @Inject
    Cable cable;

    @Inject
    @ConfigProperty(name = "cable.cleanup.enabled")
    boolean enabled;

    @Schedule(hour = "*", minute = "*", second = "0", persistent = false)
    void cleanup() {
        if (!enabled) {
            return;
        }
        try {
            long removed = cable.cleanup();
            if (removed > 0) {
                LOG.fine(() -> "Cable cleanup removed " + removed + " messages");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cable cleanup failed; it runs again in a minute: " + e.getMessage());
        }
    }
}
