package dev.cable.internal;

import dev.cable.CableMessage;
import dev.cable.PresenceChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Timer;

/**
 * Cable's MicroProfile Metrics (served by the server at {@code /metrics}): events emitted, polls,
 * empty polls, poll latency, long polls waiting, backend errors, aborted request bodies and presence
 * members.
 *
 * <p>Safe on any thread: the metrics are looked up once, at start-up, on a thread of the
 * application. Payara resolves the registry through the calling thread's application (its
 * invocation context); an emit from an EJB timer or an executor thread has none, and a lookup
 * there failed with a NullPointerException on every emit. The metric objects themselves need no
 * context.
 */
@ApplicationScoped
public class CableMetrics {

    @Inject
    MetricRegistry registry;

    private final Map<String, Integer> presenceMembers = new ConcurrentHashMap<>();
    private Counter emitted;
    private Counter polls;
    private Counter emptyPolls;
    private Counter backendErrors;
    private Counter abortedBodies;
    private Timer pollLatency;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        init();
    }

    private synchronized void init() {
        if (emitted == null) {
            emitted = registry.counter("cable.events.emitted");
            polls = registry.counter("cable.polls");
            emptyPolls = registry.counter("cable.polls.empty");
            backendErrors = registry.counter("cable.backend.errors");
            abortedBodies = registry.counter("cable.requests.aborted");
            pollLatency = registry.timer("cable.poll.latency");
            registry.gauge("cable.presence.members", presenceMembers,
                    m -> m.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    /** Registers the gauge of long polls parked on this node. */
    public void waitingPolls(IntSupplier waiting) {
        init();
        registry.gauge("cable.polls.waiting", waiting, IntSupplier::getAsInt);
    }

    /** Registers the gauge of channels whose head this node keeps in memory. */
    public void trackedChannels(IntSupplier tracked) {
        init();
        registry.gauge("cable.channels.tracked", tracked, IntSupplier::getAsInt);
    }

    void onStored(@Observes(during = TransactionPhase.AFTER_SUCCESS) CableMessage stored) {
        init();
        emitted.inc();
    }

    void onPresence(@Observes(during = TransactionPhase.AFTER_SUCCESS) PresenceChanged change) {
        if (change.count() == 0) {
            presenceMembers.remove(change.channel());
        } else {
            presenceMembers.put(change.channel(), change.count());
        }
    }

    /** One poll answered (or parked and answered later), how long it took, and whether it carried nothing. */
    public void polled(Duration took, boolean empty) {
        init();
        polls.inc();
        if (empty) {
            emptyPolls.inc();
        }
        pollLatency.update(took);
    }

    public void backendError() {
        init();
        backendErrors.inc();
    }

    /** A client went away (or stalled past the deadline) while sending a request body. */
    public void abortedBody() {
        init();
        abortedBodies.inc();
    }
}
