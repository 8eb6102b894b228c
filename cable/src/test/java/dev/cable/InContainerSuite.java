package dev.cable;

import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;

/**
 * Everything a backend must pass inside the container: the driver contract, presence,
 * transactional emission and batching. One subclass per backend, one container boot each.
 */
public abstract class InContainerSuite extends CableDriverContract
        implements PresenceContract, TransactionContract, BatcherContract {

    /** Classes every in-container deployment needs besides the concrete test class. */
    public static final Class<?>[] CLASSES = {InContainerSuite.class, CableDriverContract.class,
        CableDriverContract.Point.class, ContainerFixture.class, PresenceContract.class, PresenceReplica.class,
        TransactionContract.class, BatcherContract.class, PresenceEventRecorder.class, RequestScopedMetrics.class};

    @Inject
    Cable cable;

    @Inject
    Presence presence;

    @Inject
    UserTransaction transaction;

    @Inject
    Event<CableBroadcast> broadcasts;

    @Inject
    PresenceEventRecorder presenceEvents;

    @Inject
    RequestContextController requestContext;

    @Inject
    RequestScopedMetrics requestScopedMetrics;

    @Override
    public Cable cable() {
        return cable;
    }

    @Override
    public Presence presence() {
        return presence;
    }

    @Override
    public UserTransaction transaction() {
        return transaction;
    }

    @Override
    public Event<CableBroadcast> broadcasts() {
        return broadcasts;
    }

    @Override
    public PresenceEventRecorder presenceEvents() {
        return presenceEvents;
    }

    @Override
    public RequestContextController requestContext() {
        return requestContext;
    }

    @Override
    public RequestScopedMetrics requestScopedMetrics() {
        return requestScopedMetrics;
    }
}
