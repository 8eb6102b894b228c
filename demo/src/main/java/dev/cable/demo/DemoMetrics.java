package dev.cable.demo;

import dev.cable.Cable;
import dev.cable.MessageBatcher;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The dashboard demo's feed: every two seconds the JVM's heap, threads and request count as one
 * {@code batch} ({@link MessageBatcher}), plus two DOM updates.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DemoMetrics {

    /** The dashboard's channel. */
    public static final String DASHBOARD = "demo:dashboard";
    private static final Logger LOG = Logger.getLogger(DemoMetrics.class.getName());

    @Inject
    Cable cable;

    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    void publish() {
        try (MessageBatcher batch = cable.batcher(DASHBOARD)) {
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            batch.add("metric:heap", Map.of("used", heap.getUsed(), "max", heap.getMax()));
            batch.add("metric:threads", ManagementFactory.getThreadMXBean().getThreadCount());
            batch.add("metric:requests", RequestCounter.total());
        } catch (RuntimeException e) {
            LOG.fine(() -> "dashboard metrics not emitted: " + e.getMessage());
            return;
        }
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        cable.to(DASHBOARD).update("#uptime", "<strong>" + uptime.toHoursPart() + "h " + uptime.toMinutesPart()
                + "m " + uptime.toSecondsPart() + "s</strong>");
        cable.to(DASHBOARD).updateText("#processors",
                Runtime.getRuntime().availableProcessors() + " CPUs");
    }
}
