package dev.cable.demo;

import dev.cable.Cable;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;

/** Demo: emits the server time on channel {@code demo} every five seconds, so a poll has something to show. */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DemoClock {

    private static final Logger LOG = Logger.getLogger(DemoClock.class.getName());

    @Inject
    Cable cable;

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void tick() {
        try {
            cable.to("demo").emit("clock:tick", Map.of("time", Instant.now().toString()));
        } catch (RuntimeException e) {
            LOG.fine(() -> "demo tick not emitted: " + e.getMessage());
        }
    }
}
