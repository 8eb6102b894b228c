package dev.cable.internal;

import dev.cable.Presence;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Announces presence sessions that timed out, every {@code cable.presence.sweep-interval}.
 * Every node runs its own, and the drivers make sure a change is announced once.
 *
 * <p>Runs on a thread of its own from the managed thread factory, not an EJB timer: in the timer's
 * EJB invocation (and in tasks it handed to the managed executor, which inherit it) Payara did not enlist the connections of the
 * sweep's own transactions ({@link Presence#expire} is {@code REQUIRES_NEW}), whether the timeout
 * method was {@code NOT_SUPPORTED} or {@code REQUIRED}. Every statement then committed on its own,
 * the channel's row lock ended with its SELECT, and a timeout racing a join on another node stored
 * its update out of version order or with a version already taken (TwoNodesIT's presence rounds:
 * 14 to 69 of 100 rounds stale on the databases; the MariaDB general log showed no XA START).
 * Not on the shared managed scheduler either: a sweep stuck for a socket timeout in a network
 * partition held up the head ticker there, so polls kept answering "nothing new" from the heads
 * instead of 503 (edge contract's partition drill on PostgreSQL).
 */
@ApplicationScoped
public class PresenceSweeper {

    private static final Logger LOG = Logger.getLogger(PresenceSweeper.class.getName());

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Presence presence;

    @Inject
    @ConfigProperty(name = "cable.presence.sweep-interval")
    Duration interval;

    @Inject
    @ConfigProperty(name = "cable.cleanup.enabled")
    boolean enabled;

    private ScheduledExecutorService scheduler;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (enabled) {
            long millis = Math.max(100, interval.toMillis());
            scheduler = Executors.newSingleThreadScheduledExecutor(threads);
            scheduler.scheduleWithFixedDelay(this::sweep, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    void sweep() {
        try {
            presence.cleanup();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cable presence sweep failed; it runs again in " + interval + ": " + e.getMessage());
        }
    }
}
