package dev.cable.internal;

import dev.cable.CableDriver;
import dev.cable.PresenceDriver;
import dev.cable.database.DatabaseCableDriver;
import dev.cable.database.DatabasePresenceDriver;
import dev.cable.redis.RedisCableDriver;
import dev.cable.redis.RedisPresenceDriver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place that turns {@code cable.driver} into a {@link CableDriver} and a {@link PresenceDriver}.
 * A CDI alternative implementing either (with {@code @Priority}) takes precedence over this producer.
 */
@ApplicationScoped
public class DriverProducer {

    static final String UNKNOWN_DRIVER = "cable.driver is '%s'; use 'database' (JPA: H2, MariaDB, PostgreSQL) "
            + "or 'redis', or provide your own CableDriver as a CDI @Alternative @Priority bean";

    private static final Logger LOG = Logger.getLogger(DriverProducer.class.getName());

    @Inject
    @ConfigProperty(name = "cable.driver")
    String driverName;

    @Inject
    Instance<DatabaseCableDriver> database;

    @Inject
    Instance<RedisCableDriver> redis;

    @Inject
    Instance<CableDriver> selected;

    @Inject
    Instance<DatabasePresenceDriver> databasePresence;

    @Inject
    Instance<RedisPresenceDriver> redisPresence;

    @Produces
    @ApplicationScoped
    CableDriver driver() {
        return switch (driverName.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "database" -> database.get();
            case "redis" -> redis.get();
            default -> throw new IllegalStateException(String.format(UNKNOWN_DRIVER, driverName));
        };
    }

    @Produces
    @ApplicationScoped
    PresenceDriver presenceDriver() {
        return switch (driverName.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "database" -> databasePresence.get();
            case "redis" -> redisPresence.get();
            default -> throw new IllegalStateException(String.format(UNKNOWN_DRIVER, driverName));
        };
    }

    /**
     * Fails the deployment early on a wrong {@code cable.driver}, says which driver is in use, and
     * connects it once (for the database driver that builds the persistence unit, which would
     * otherwise delay the first emit by seconds). A backend that is down only logs: requests get 503
     * until it answers.
     */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        CableDriver driver = selected.get();
        LOG.info(() -> "Cable uses the " + driver.describe() + " driver");
        try {
            driver.ping();
        } catch (RuntimeException e) {
            LOG.warning(() -> "Cable's backend does not answer yet: " + e.getMessage());
        }
    }
}
