package dev.cable.internal;

import dev.cable.CableDriver;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every {@code cable.poll.tick}, reads the heads of all channels this node's clients poll in one
 * batched backend call, so messages stored by other nodes wake this node's long polls and empty
 * polls stay off the backend. Channels nobody polled for five minutes are forgotten. When the
 * store fails, all heads are forgotten so polls reach the store and get their 503. Runs on the
 * managed scheduler rather than an EJB timer, whose minimum interval here is a second. Drivers
 * that can push notices of new messages ({@link CableDriver#watchHeads}, Redis pub/sub) move the
 * heads in between, so a long poll wakes within milliseconds of an emit on another node; the tick
 * stays as the guarantee.
 */
@ApplicationScoped
public class HeadTicker {

    private static final Logger LOG = Logger.getLogger(HeadTicker.class.getName());
    private static final long ACTIVE_MILLIS = Duration.ofMinutes(5).toMillis();

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    ChannelHeads heads;

    @Inject
    CableDriver driver;

    @Inject
    @ConfigProperty(name = "cable.poll.tick")
    Duration tick;

    private volatile boolean failing;
    private ScheduledFuture<?> task;
    private AutoCloseable watch;

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        long millis = Math.max(20, tick.toMillis());
        task = scheduler.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
        watch = driver.watchHeads(heads::advance, threads);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "Cable could not stop watching heads", e);
            }
        }
    }

    void refresh() {
        Set<String> active = heads.activeChannels(ACTIVE_MILLIS);
        if (active.isEmpty()) {
            return;
        }
        List<String> channels = new ArrayList<>(active);
        try {
            Map<String, Long> current = driver.heads(channels);
            current.forEach(heads::observe);
            if (failing) {
                failing = false;
                LOG.info("Cable head refresh works again");
            }
        } catch (RuntimeException e) {
            heads.forgetHeads();
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "Cable cannot refresh channel heads (polls get 503): " + e.getMessage());
            }
        }
    }
}
